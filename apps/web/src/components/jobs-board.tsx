'use client';

import Link from 'next/link';
import { useState } from 'react';
import { useQuery } from 'urql';
import { errorMessage } from '../lib/error-message';
import { formatDateTime, formatTime } from '../lib/format';
import { graphql } from '../lib/graphql';
import { isTerminal, type JobProgressEvent } from '../lib/job-status';
import { useLiveQuery } from '../lib/use-live-query';
import { useThrottled } from '../lib/use-throttled';
import { ActiveJobs } from './overview/active-jobs';
import { useJobEvents } from './overview/use-job-finished';

// The API has no jobs list; failures come from the BACKUP_FAILED events (kept with their code and message).
const JobsBoard_FailuresQuery = graphql(`
  query JobsBoard_FailuresQuery($deviceGroupId: ID) {
    events(first: 100, filter: { kinds: [BACKUP_FAILED], deviceGroupId: $deviceGroupId }) {
      edges { node { id createdAt payload device { id name } } }
    }
  }
`);

const JobsBoard_GroupsQuery = graphql(`
  query JobsBoard_GroupsQuery {
    deviceGroups(first: 100) { edges { node { id name } } }
    devices(first: 100, orderBy: NAME) { edges { node { id name } } }
  }
`);

type FailurePayload = { code?: string; message?: string; attempt?: number; consecutiveFailures?: number };

/** The queue (live, with cancel), jobs finished while the page is open, and recent failures by code and group. */
export function JobsBoard() {
  const [finished, setFinished] = useState<JobProgressEvent[]>([]);
  const [group, setGroup] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [state, setState] = useState<'all' | 'succeeded' | 'failed'>('all');
  const [{ data: groups }] = useQuery({ query: JobsBoard_GroupsQuery });
  const [{ data, error }, reexecute] = useLiveQuery({
    query: JobsBoard_FailuresQuery,
    variables: { deviceGroupId: group },
  });
  const reread = useThrottled(() => reexecute({ requestPolicy: 'network-only' }), 2_000);

  useJobEvents((event) => {
    if (!isTerminal(event.status)) return;
    setFinished((current) => [event, ...current.filter((line) => line.jobId !== event.jobId)].slice(0, 200));
    if (event.status === 'failed') reread();
  });

  const names = new Map(groups?.devices.edges.map(({ node }) => [node.id, node.name]));
  const failures = (data?.events.edges.map((edge) => edge.node) ?? []).filter((event) => {
    const payload = event.payload as FailurePayload;
    return !code || (payload.code ?? '').includes(code);
  });
  const finishedShown = finished.filter(
    (event) => (state === 'all' || event.status === state) && (!code || (event.errorCode ?? '').includes(code)),
  );

  return (
    <>
      <ActiveJobs limit={100} />
      <fieldset className="filters">
        <legend className="visually-hidden">Filter jobs</legend>
        <label>
          State{' '}
          <select value={state} onChange={(event) => setState(event.target.value as typeof state)}>
            <option value="all">Any</option>
            <option value="succeeded">Succeeded</option>
            <option value="failed">Failed</option>
          </select>
        </label>
        <label>
          Error code <input value={code} onChange={(event) => setCode(event.target.value)} placeholder="auth_failed" />
        </label>
        <label>
          Group{' '}
          <select value={group ?? ''} onChange={(event) => setGroup(event.target.value || null)}>
            <option value="">All groups</option>
            {groups?.deviceGroups.edges.map(({ node }) => (
              <option key={node.id} value={node.id}>
                {node.name}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
      <section aria-labelledby="finished-title">
        <h2 id="finished-title">Finished since this page opened</h2>
        {finishedShown.length === 0 ? <p className="muted">None yet.</p> : null}
        <ul className="plain-list" data-testid="finished-jobs">
          {finishedShown.map((event) => (
            <li key={event.jobId}>
              <span className="muted mono">{formatTime(event.at)}</span>{' '}
              <Link href={`/devices/${encodeURIComponent(event.deviceId)}`}>
                {names.get(event.deviceId) ?? `device ${event.deviceId.slice(0, 8)}`}
              </Link>{' '}
              <span className={`badge badge-${event.status}`}>{event.status}</span>
              {event.errorCode ? <code className="error-code">{event.errorCode}</code> : null}{' '}
              <span className="small">{event.message}</span>
            </li>
          ))}
        </ul>
      </section>
      {state !== 'succeeded' ? (
        <section aria-labelledby="failures-title">
          <h2 id="failures-title">Recent failures</h2>
          {error && !data ? <p className="notice notice-error">{errorMessage(error)}</p> : null}
          {data && failures.length === 0 ? <p className="muted">No failures recorded.</p> : null}
          <div className="table-wrap">
            <table className="data-table" data-testid="failures-table">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Device</th>
                  <th>Code</th>
                  <th>Reason</th>
                </tr>
              </thead>
              <tbody>
                {failures.map((event) => {
                  const payload = event.payload as FailurePayload;
                  return (
                    <tr key={event.id}>
                      <td>{formatDateTime(event.createdAt)}</td>
                      <td>
                        {event.device ? (
                          <Link href={`/devices/${encodeURIComponent(event.device.id)}`}>{event.device.name}</Link>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td>
                        <code>{payload.code ?? '—'}</code>
                      </td>
                      <td className="small">{payload.message ?? ''}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </>
  );
}
