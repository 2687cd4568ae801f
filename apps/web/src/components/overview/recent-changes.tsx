'use client';

import Link from 'next/link';
import { errorMessage } from '../../lib/error-message';
import { formatDateTime, formatRelativeTime } from '../../lib/format';
import { graphql } from '../../lib/graphql';
import { useLiveQuery } from '../../lib/use-live-query';
import { useNow } from '../../lib/use-now';
import { useSubscriptionEvents } from '../../lib/use-subscription-events';
import { useThrottled } from '../../lib/use-throttled';
import { RecentChanges_EventsQuery, type RecentChangesData } from './recent-changes-query';

const RecentChanges_ConfigChangedSubscription = graphql(`
  subscription RecentChanges_ConfigChangedSubscription {
    configChanged { id }
  }
`);

type ChangePayload = {
  backupId?: string;
  previousBackupId?: string | null;
  added?: number;
  removed?: number;
  changedBy?: string | null;
};

/** The newest configuration changes: who, how many lines, one click to the diff. */
export function RecentChanges({ initial }: { initial: RecentChangesData | null }) {
  const now = useNow();
  const [{ data: fetched, error }, reexecute] = useLiveQuery({ query: RecentChanges_EventsQuery, variables: {} });
  // What the server rendered until the browser's own answer arrives.
  const data = fetched ?? initial;
  const reread = useThrottled(() => reexecute({ requestPolicy: 'network-only' }), 1_000);
  useSubscriptionEvents(RecentChanges_ConfigChangedSubscription, {}, reread);
  const rows = data?.events.edges.map((edge) => edge.node) ?? [];

  return (
    <section className="panel" aria-labelledby="changes-title" data-testid="recent-changes">
      <h2 id="changes-title">Recent changes</h2>
      {error && !data ? <p className="notice notice-error">{errorMessage(error)}</p> : null}
      {data && rows.length === 0 ? <p className="muted">No changes yet.</p> : null}
      <ul className="plain-list">
        {rows.map((event) => {
          const payload = event.payload as ChangePayload;
          const diffHref =
            payload.previousBackupId && payload.backupId
              ? `/compare?from=${encodeURIComponent(payload.previousBackupId)}&to=${encodeURIComponent(payload.backupId)}`
              : null;
          return (
            <li key={event.id} data-testid="recent-change">
              {event.device ? (
                <Link href={`/devices/${encodeURIComponent(event.device.id)}`}>{event.device.name}</Link>
              ) : (
                <span className="muted">deleted device</span>
              )}{' '}
              <span className="diff-added">+{payload.added ?? 0}</span>{' '}
              <span className="diff-removed">−{payload.removed ?? 0}</span>
              {payload.changedBy ? <span className="muted"> by {payload.changedBy}</span> : null}{' '}
              <span className="muted small" title={formatDateTime(event.createdAt)}>
                {formatRelativeTime(event.createdAt, now)}
              </span>{' '}
              {diffHref ? (
                <Link
                  href={diffHref}
                  aria-label={`Diff of ${event.device?.name ?? 'device'} ${formatDateTime(event.createdAt)}`}
                >
                  diff
                </Link>
              ) : (
                <span className="muted small">first version</span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
