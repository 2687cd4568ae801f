'use client';

import Link from 'next/link';
import { errorMessage } from '../../lib/error-message';
import { formatDateTime, formatRelativeTime } from '../../lib/format';
import { useLiveQuery } from '../../lib/use-live-query';
import { useNow } from '../../lib/use-now';
import { useThrottled } from '../../lib/use-throttled';
import { NeedsAttention_FailingQuery, type NeedsAttentionData } from './needs-attention-query';
import { useJobEvents } from './use-job-finished';

/** Failing devices with the reason their last backup failed. */
export function NeedsAttention({ initial }: { initial: NeedsAttentionData | null }) {
  const now = useNow();
  const [{ data: fetched, error }, reexecute] = useLiveQuery({ query: NeedsAttention_FailingQuery, variables: {} });
  // What the server rendered until the browser's own answer arrives.
  const data = fetched ?? initial;
  const reread = useThrottled(() => reexecute({ requestPolicy: 'network-only' }), 1_500);
  useJobEvents(() => {}, reread);
  const rows = data?.devices.edges.map((edge) => edge.node) ?? [];

  return (
    <section className="panel" aria-labelledby="attention-title" data-testid="needs-attention">
      <h2 id="attention-title">Needs attention</h2>
      {error && !data ? <p className="notice notice-error">{errorMessage(error)}</p> : null}
      {data && rows.length === 0 ? <p className="muted">No failing devices.</p> : null}
      <ul className="plain-list">
        {rows.map((device) => (
          <li key={device.id}>
            <Link href={`/devices/${encodeURIComponent(device.id)}`}>{device.name}</Link>{' '}
            <code className="error-code">{device.lastJob?.errorCode ?? 'failed'}</code>
            <div className="small">
              {device.lastJob?.errorMessage ?? 'The last backup failed.'}{' '}
              <span className="muted">
                {device.consecutiveFailures} in a row
                {device.lastFailureAt ? (
                  <span title={formatDateTime(device.lastFailureAt)}>
                    {' '}
                    · {formatRelativeTime(device.lastFailureAt, now)}
                  </span>
                ) : null}
              </span>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
