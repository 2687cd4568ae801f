'use client';

import Link from 'next/link';
import { errorMessage } from '../../lib/error-message';
import { formatDateTime, formatRelativeTime } from '../../lib/format';
import { graphql } from '../../lib/graphql';
import { useLiveQuery } from '../../lib/use-live-query';
import { useNow } from '../../lib/use-now';
import { useThrottled } from '../../lib/use-throttled';
import { useJobEvents } from './use-job-finished';

const NeedsAttention_FailingQuery = graphql(`
  query NeedsAttention_FailingQuery {
    devices(first: 10, filter: { backupState: FAILING }, orderBy: NAME) {
      edges {
        node {
          id
          name
          consecutiveFailures
          lastFailureAt
          lastJob { id errorCode errorMessage }
        }
      }
    }
  }
`);

/** Failing devices with the reason their last backup failed. */
export function NeedsAttention() {
  const now = useNow();
  const [{ data, error }, reexecute] = useLiveQuery({ query: NeedsAttention_FailingQuery, variables: {} });
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
