// No 'use client': the devices route's server component imports the fragment (devices-query.ts); the row
// itself only ever renders inside the client DevicesPage.
import Link from 'next/link';
import { formatDateTime, formatRelativeTime } from '../../lib/format';
import { graphql, type ResultOf } from '../../lib/graphql';
import { isTerminal, type LiveJob } from '../../lib/job-status';
import { BackupNowButton } from '../backup-now-button';
import { BackupStateBadge } from '../backup-state-badge';
import { JobStatusBadge } from '../job-status-badge';

export const DeviceRow_DeviceFragment = graphql(`
  fragment DeviceRow_DeviceFragment on Device {
    id
    name
    host
    port
    pluginKey
    enabled
    archivedAt
    backupState
    deviceGroup { id name }
    collectionGroup { id name }
    lastBackup { id createdAt changed isBinary }
    lastJob { id status errorCode createdAt finishedAt }
  }
`);

export type DeviceRowData = ResultOf<typeof DeviceRow_DeviceFragment>;

export function DeviceRow({
  device,
  job,
  now,
  selected,
  actionColumns,
  canOperate,
  onSelect,
  onProgress,
}: {
  device: DeviceRowData;
  job: LiveJob | null;
  now: number;
  selected: boolean;
  /** The table has the select and actions columns (someone may act on some rows). */
  actionColumns: boolean;
  canOperate: boolean;
  onSelect: (selected: boolean) => void;
  onProgress: (job: LiveJob) => void;
}) {
  return (
    <tr data-testid={`device-row-${device.id}`} data-name={device.name} data-plugin={device.pluginKey}>
      {actionColumns ? (
        <td className="pick">
          {canOperate ? (
            <input
              type="checkbox"
              aria-label={`Select ${device.name}`}
              checked={selected}
              onChange={(event) => onSelect(event.target.checked)}
            />
          ) : null}
        </td>
      ) : null}
      <td>
        <Link href={`/devices/${encodeURIComponent(device.id)}`}>{device.name}</Link>
        {device.enabled ? null : <span className="muted"> (disabled)</span>}
        {device.archivedAt ? <span className="muted"> (archived)</span> : null}
      </td>
      <td className="mono">
        {device.host}:{device.port}
      </td>
      <td className="mono">{device.pluginKey}</td>
      <td>{device.deviceGroup?.name ?? <span className="muted">—</span>}</td>
      <td>{device.collectionGroup?.name ?? <span className="muted">—</span>}</td>
      <td>
        <BackupStateBadge state={device.backupState} />
      </td>
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
      {actionColumns ? (
        <td className="actions">
          {canOperate ? (
            <BackupNowButton
              deviceId={device.id}
              deviceName={device.name}
              busy={job !== null && !isTerminal(job.status)}
              disabled={!device.enabled || device.archivedAt !== null}
              onProgress={(state) => onProgress(state)}
            />
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}
