'use client';

import type { LiveState } from '../lib/graphql-client';
import { useLiveState } from './urql-provider';

const LABELS: Record<LiveState, { text: string; title: string }> = {
  live: { text: 'live', title: 'Receiving live updates over the WebSocket' },
  connecting: { text: 'connecting…', title: 'Waiting for the WebSocket to (re)connect' },
  idle: { text: 'idle', title: 'Nothing on this page needs live updates' },
};

/** A dot and a word for the WebSocket that carries job progress. */
export function LiveIndicator() {
  const state = useLiveState();
  const label = LABELS[state];
  return (
    <span className={`live live-${state}`} data-testid="live-indicator" data-state={state} title={label.title}>
      <span className="live-dot" aria-hidden="true" />
      {label.text}
    </span>
  );
}
