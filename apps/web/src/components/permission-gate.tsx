'use client';

import type { ReactNode } from 'react';
import { usePermissions, useViewer } from './viewer-provider';

/**
 * Renders a page's forms only for the roles the server lets use them, so a viewer who opens an
 * administration URL directly sees why instead of buttons that fail (the server checks again).
 */
export function PermissionGate({ need, children }: { need: 'admin' | 'operator'; children: ReactNode }) {
  const { viewer, loaded } = useViewer();
  const { isAdmin } = usePermissions();
  if (!loaded) return <p className="muted">Loading…</p>;
  if (isAdmin || (need === 'operator' && viewer?.role === 'operator')) return children;
  return (
    <p className="notice" data-testid="permission-notice">
      Only {need === 'admin' ? 'administrators' : 'operators and administrators'} can use this page.
    </p>
  );
}
