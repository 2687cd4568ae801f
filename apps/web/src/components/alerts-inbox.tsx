'use client';

import Link from 'next/link';
import { useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../lib/error-message';
import { formatDateTime } from '../lib/format';
import { graphql } from '../lib/graphql';
import { useLiveQuery } from '../lib/use-live-query';
import { useSubscriptionEvents } from '../lib/use-subscription-events';
import { useThrottled } from '../lib/use-throttled';
import { useAnnounce } from './announcer';
import { usePermissions } from './viewer-provider';

const AlertsInbox_AlertsQuery = graphql(`
  query AlertsInbox_AlertsQuery($states: [AlertState!]) {
    alerts(first: 100, filter: { states: $states }) {
      edges {
        node {
          id kind state occurrences openedAt lastSeenAt acknowledgedAt acknowledgedBy resolvedAt
          device { id name deviceGroup { id } }
          rule { id name }
        }
      }
    }
  }
`);

const AlertsInbox_AlertsSubscription = graphql(`
  subscription AlertsInbox_AlertsSubscription {
    alerts { id state }
  }
`);

const AlertsInbox_AcknowledgeMutation = graphql(`
  mutation AlertsInbox_AcknowledgeMutation($input: AcknowledgeAlertInput!) {
    acknowledgeAlert(input: $input) {
      __typename
      ... on AcknowledgeAlertSuccess { alert { id state acknowledgedAt acknowledgedBy } }
      ... on Error { message }
    }
  }
`);

const FILTERS = { open: ['OPEN'], acknowledged: ['ACKNOWLEDGED'], resolved: ['RESOLVED'], all: null } as const;
type FilterName = keyof typeof FILTERS;

/** Open, acknowledged and resolved alerts, live; operators of the device's group may acknowledge. */
export function AlertsInbox() {
  const announce = useAnnounce();
  const permissions = usePermissions();
  const [filter, setFilter] = useState<FilterName>('open');
  const states = FILTERS[filter];
  const [{ data, error }, reexecute] = useLiveQuery({
    query: AlertsInbox_AlertsQuery,
    variables: { states: states ? [...states] : null },
  });
  const reread = useThrottled(() => reexecute({ requestPolicy: 'network-only' }), 1_000);
  useSubscriptionEvents(AlertsInbox_AlertsSubscription, {}, reread);
  const [, acknowledge] = useMutation(AlertsInbox_AcknowledgeMutation);
  const [problem, setProblem] = useState<string | null>(null);
  const rows = data?.alerts.edges.map((edge) => edge.node) ?? [];

  return (
    <>
      <fieldset className="segmented">
        <legend className="visually-hidden">Show</legend>
        {(Object.keys(FILTERS) as FilterName[]).map((name) => (
          <label key={name}>
            <input type="radio" name="alert-filter" checked={filter === name} onChange={() => setFilter(name)} /> {name}
          </label>
        ))}
      </fieldset>
      {problem ? (
        <p className="inline-error" role="alert">
          {problem}
        </p>
      ) : null}
      {error && !data ? <p className="notice notice-error">{errorMessage(error)}</p> : null}
      {data && rows.length === 0 ? <p className="notice">No {filter === 'all' ? '' : filter} alerts.</p> : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className="data-table" data-testid="alerts-table">
            <thead>
              <tr>
                <th>Alert</th>
                <th>Device</th>
                <th>Rule</th>
                <th>State</th>
                <th>Opened</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((alert) => (
                <tr key={alert.id} data-testid="alert-row">
                  <td>
                    {alert.kind.toLowerCase().replaceAll('_', ' ')}
                    {alert.occurrences > 1 ? <span className="muted"> ×{alert.occurrences}</span> : null}
                  </td>
                  <td>
                    {alert.device ? (
                      <Link href={`/devices/${encodeURIComponent(alert.device.id)}`}>{alert.device.name}</Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{alert.rule?.name ?? '—'}</td>
                  <td>
                    {alert.state.toLowerCase()}
                    {alert.acknowledgedBy ? <span className="muted small"> by {alert.acknowledgedBy}</span> : null}
                  </td>
                  <td>{formatDateTime(alert.openedAt)}</td>
                  <td className="actions">
                    {alert.state === 'OPEN' && permissions.canOperate(alert.device?.deviceGroup?.id ?? null) ? (
                      <button
                        type="button"
                        className="button button-quiet"
                        aria-label={`Acknowledge ${alert.kind.toLowerCase().replaceAll('_', ' ')} on ${alert.device?.name ?? 'the fleet'}`}
                        onClick={async () => {
                          setProblem(null);
                          const result = await acknowledge({ input: { id: alert.id } });
                          const payload = result.data?.acknowledgeAlert;
                          if (payload?.__typename === 'AcknowledgeAlertSuccess') {
                            announce('Alert acknowledged');
                            reexecute({ requestPolicy: 'network-only' });
                          } else {
                            setProblem(payload && 'message' in payload ? payload.message : errorMessage(result.error));
                          }
                        }}
                      >
                        Acknowledge
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
