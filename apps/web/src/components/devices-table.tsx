'use client';

import Link from 'next/link';
import { useCallback, useState } from 'react';
import { gql, useClient, useQuery } from 'urql';
import { formatDateTime, formatRelativeTime } from '../lib/format';
import {
  isTerminal,
  type JobProgressEvent,
  type LiveJob,
  laterJobState,
  liveJobFromEvent,
  liveJobFromJob,
} from '../lib/job-status';
import { useNow } from '../lib/use-now';
import { useSubscriptionEvents } from '../lib/use-subscription-events';
import { BackupNowButton } from './backup-now-button';
import { JobStatusBadge } from './job-status-badge';

const PAGE_SIZE = 25;

type DeviceRow = {
  id: string;
  name: string;
  host: string;
  port: number;
  pluginKey: string;
  enabled: boolean;
  lastBackup: { id: string; createdAt: string; changed: boolean; isBinary: boolean } | null;
  lastJob: {
    id: string;
    status: string;
    errorCode: string | null;
    createdAt: string;
    finishedAt: string | null;
  } | null;
};

const DevicesTable_DeviceFragment = gql`
  fragment DevicesTable_DeviceFragment on Device {
    id
    name
    host
    port
    pluginKey
    enabled
    lastBackup { id createdAt changed isBinary }
    lastJob { id status errorCode createdAt finishedAt }
  }
`;

const DevicesTable_DevicesQuery = gql<
  {
    devices: {
      edges: { cursor: string; node: DeviceRow }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  },
  { first: number; after: string | null }
>`
  query DevicesTable_DevicesQuery($first: Int!, $after: String) {
    devices(first: $first, after: $after) {
      edges { cursor node { ...DevicesTable_DeviceFragment } }
      pageInfo { hasNextPage endCursor }
    }
  }
  ${DevicesTable_DeviceFragment}
`;

// Re-read one row when its job ends, for the new lastBackup (time, changed) the event does not carry.
const DevicesTable_DeviceRowQuery = gql<{ device: DeviceRow | null }, { id: string }>`
  query DevicesTable_DeviceRowQuery($id: ID!) {
    device(id: $id) { ...DevicesTable_DeviceFragment }
  }
  ${DevicesTable_DeviceFragment}
`;

const DevicesTable_JobEventsSubscription = gql<{ jobEvents: JobProgressEvent }, Record<string, never>>`
  subscription DevicesTable_JobEventsSubscription {
    jobEvents { jobId deviceId status message at errorCode backupId }
  }
`;

export function DevicesTable() {
  const client = useClient();
  const now = useNow();
  // Cursors of the pages before the current one; the connection only pages forward.
  const [cursorStack, setCursorStack] = useState<(string | null)[]>([]);
  const [after, setAfter] = useState<string | null>(null);
  const [liveJobs, setLiveJobs] = useState<Record<string, LiveJob>>({});
  const [refreshedRows, setRefreshedRows] = useState<Record<string, DeviceRow>>({});

  const [{ data, fetching, error }] = useQuery({
    query: DevicesTable_DevicesQuery,
    variables: { first: PAGE_SIZE, after },
  });

  const applyJobState = useCallback(
    (deviceId: string, job: LiveJob) => {
      setLiveJobs((current) => {
        const next = laterJobState(current[deviceId], job);
        return next === current[deviceId] || !next ? current : { ...current, [deviceId]: next };
      });
      if (!isTerminal(job.status)) return;
      void client
        .query(DevicesTable_DeviceRowQuery, { id: deviceId }, { requestPolicy: 'network-only' })
        .toPromise()
        .then((result) => {
          const row = result.data?.device;
          if (row) setRefreshedRows((current) => ({ ...current, [deviceId]: row }));
        });
    },
    [client],
  );

  const visibleIds = new Set(data?.devices.edges.map((edge) => edge.node.id));
  useSubscriptionEvents(DevicesTable_JobEventsSubscription, {}, ({ jobEvents }) => {
    if (visibleIds.has(jobEvents.deviceId)) applyJobState(jobEvents.deviceId, liveJobFromEvent(jobEvents));
  });

  if (error && !data) return <p className="notice notice-error">Could not load devices: {error.message}</p>;
  if (!data) return <p className="notice">Loading devices…</p>;

  const rows = data.devices.edges.map((edge) => refreshedRows[edge.node.id] ?? edge.node);
  const { pageInfo } = data.devices;

  return (
    <section>
      {rows.length === 0 ? (
        <p className="notice">No devices yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" data-testid="devices-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Host</th>
                <th>Plugin</th>
                <th>Last backup</th>
                <th>Last job</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((device) => {
                const job = laterJobState(liveJobFromJob(device.lastJob), liveJobs[device.id]);
                return (
                  <tr key={device.id} data-testid={`device-row-${device.id}`}>
                    <td>
                      <Link href={`/devices/${encodeURIComponent(device.id)}`}>{device.name}</Link>
                      {device.enabled ? null : <span className="muted"> (disabled)</span>}
                    </td>
                    <td className="mono">
                      {device.host}:{device.port}
                    </td>
                    <td className="mono">{device.pluginKey}</td>
                    <td>
                      {device.lastBackup ? (
                        <span title={formatDateTime(device.lastBackup.createdAt)}>
                          {formatRelativeTime(device.lastBackup.createdAt, now)}
                          <span className="muted"> · {device.lastBackup.changed ? 'changed' : 'unchanged'}</span>
                        </span>
                      ) : (
                        <span className="muted">never</span>
                      )}
                    </td>
                    <td>
                      <JobStatusBadge deviceId={device.id} job={job} />
                      {job ? <span className="muted small"> {formatRelativeTime(job.at, now)}</span> : null}
                    </td>
                    <td className="actions">
                      <BackupNowButton
                        deviceId={device.id}
                        busy={job !== null && !isTerminal(job.status)}
                        onProgress={(state) => applyJobState(device.id, state)}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Device pages">
        <button
          type="button"
          className="button button-quiet"
          disabled={cursorStack.length === 0}
          onClick={() => {
            setAfter(cursorStack.at(-1) ?? null);
            setCursorStack((stack) => stack.slice(0, -1));
          }}
        >
          ← Previous
        </button>
        <span className="muted">
          Page {cursorStack.length + 1}
          {fetching ? ' · loading…' : ''}
        </span>
        <button
          type="button"
          className="button button-quiet"
          disabled={!pageInfo.hasNextPage || !pageInfo.endCursor}
          onClick={() => {
            setCursorStack((stack) => [...stack, after]);
            setAfter(pageInfo.endCursor);
          }}
        >
          Next →
        </button>
      </nav>
    </section>
  );
}
