'use client';

import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../lib/error-message';
import { formatDateTime, formatRelativeTime, formatZonedDateTime } from '../lib/format';
import { graphql } from '../lib/graphql';
import {
  isTerminal,
  type JobProgressEvent,
  type LiveJob,
  LiveJob_JobProgressEventFragment,
  laterJobState,
  liveJobFromEvent,
  liveJobFromJob,
} from '../lib/job-status';
import { useLiveQuery } from '../lib/use-live-query';
import { useNow } from '../lib/use-now';
import { useSubscriptionEvents } from '../lib/use-subscription-events';
import { BackupList } from './backup-list';
import { BackupNowButton } from './backup-now-button';
import { BackupStateBadge } from './backup-state-badge';
import { CompareWithDevice } from './compare-with-device';
import { DeviceActions } from './device-actions';
import { JobLog } from './job-log';
import { JobStatusBadge } from './job-status-badge';
import { usePermissions } from './viewer-provider';

const DeviceDetail_DeviceQuery = graphql(`
  query DeviceDetail_DeviceQuery($id: ID!) {
    device(id: $id) {
      id
      name
      host
      port
      pluginKey
      enabled
      archivedAt
      scrubSecrets
      backupState
      consecutiveFailures
      lastSuccessAt
      lastFailureAt
      nextRunAt
      hostKeyFingerprint
      createdAt
      updatedAt
      credential { id name username }
      deviceGroup { id name }
      collectionGroup { id name schedule timeZone }
      retentionPolicy { id name }
      storageLocation { id name }
      lastBackup { id createdAt }
      lastJob {
        id status errorCode errorMessage createdAt finishedAt trigger requestedBy
        log { seq at status message }
      }
    }
    backupMethods { key friendlyName isBinary }
  }
`);

const DeviceDetail_JobEventsSubscription = graphql(
  `
  subscription DeviceDetail_JobEventsSubscription {
    jobEvents { ...LiveJob_JobProgressEventFragment }
  }
`,
  [LiveJob_JobProgressEventFragment],
);

export function DeviceDetail({
  deviceId,
  initialVersionId = null,
  initialLine = null,
}: {
  deviceId: string;
  initialVersionId?: string | null;
  initialLine?: number | null;
}) {
  const now = useNow();
  const permissions = usePermissions();
  const [liveJob, setLiveJob] = useState<LiveJob | null>(null);
  const [liveLog, setLiveLog] = useState<JobProgressEvent[]>([]);
  // Bumped when a job of this device ends, so the details and the newest backups are read again.
  const [refreshToken, setRefreshToken] = useState(0);

  const [{ data, error }, reexecute] = useLiveQuery({ query: DeviceDetail_DeviceQuery, variables: { id: deviceId } });

  const applyJobState = useCallback(
    (job: LiveJob, event: JobProgressEvent | null) => {
      setLiveJob((current) => laterJobState(current, job));
      if (event) setLiveLog((current) => [...current.filter((line) => line.jobId === event.jobId), event]);
      if (!isTerminal(job.status)) return;
      setRefreshToken((token) => token + 1);
      reexecute({ requestPolicy: 'network-only' });
    },
    [reexecute],
  );

  useSubscriptionEvents(DeviceDetail_JobEventsSubscription, {}, ({ jobEvents }) => {
    if (jobEvents.deviceId === deviceId) applyJobState(liveJobFromEvent(jobEvents), jobEvents);
  });

  // The route's title says "Device"; once loaded, the tab names the device.
  const loadedName = data?.device?.name;
  useEffect(() => {
    if (loadedName) document.title = `${loadedName} · DeviceVault`;
  }, [loadedName]);

  // Every state keeps a heading, so the page is never untitled for screen readers.
  if (error && !data) {
    return (
      <>
        <h1>Device</h1>
        <p className="notice notice-error">Could not load the device: {errorMessage(error)}</p>
      </>
    );
  }
  if (!data) {
    return (
      <>
        <h1>Device</h1>
        <p className="notice">Loading device…</p>
      </>
    );
  }
  const { device } = data;
  if (!device) {
    return (
      <>
        <h1>Device</h1>
        <p className="notice" data-testid="device-not-found">
          No device with id <code>{deviceId}</code>. <Link href="/devices">Back to devices</Link>
        </p>
      </>
    );
  }

  const method = data.backupMethods.find((candidate) => candidate.key === device.pluginKey);
  const job = laterJobState(liveJobFromJob(device.lastJob), liveJob);
  const canOperate = permissions.canOperate(device.deviceGroup?.id ?? null);
  const storedLog = device.lastJob && job?.jobId === device.lastJob.id ? device.lastJob.log : [];
  const liveLines = liveLog.filter((line) => line.jobId === job?.jobId);
  const log = liveLines.length > storedLog.length ? liveLines : storedLog;

  return (
    <>
      <p className="breadcrumb">
        <Link href="/devices">Devices</Link> /
      </p>
      <div className="title-row">
        <h1>{device.name}</h1>
        {canOperate ? (
          <span className="title-actions">
            <BackupNowButton
              deviceId={device.id}
              deviceName={device.name}
              busy={job !== null && !isTerminal(job.status)}
              disabled={!device.enabled || device.archivedAt !== null}
              onProgress={applyJobState}
            />
            <Link className="button button-quiet" href={`/devices/${encodeURIComponent(device.id)}/edit`}>
              Edit
            </Link>
          </span>
        ) : null}
      </div>
      {canOperate ? (
        <DeviceActions device={device} onDone={() => reexecute({ requestPolicy: 'network-only' })} />
      ) : null}

      <dl className="details">
        <dt>Host</dt>
        <dd className="mono">
          {device.host}:{device.port}
        </dd>
        <dt>Backup method</dt>
        <dd>
          {method ? `${method.friendlyName} ` : null}
          <span className="mono muted">{device.pluginKey}</span>
          {method ? <span className="muted"> · {method.isBinary ? 'binary' : 'text'}</span> : null}
        </dd>
        <dt>Credential</dt>
        <dd>{device.credential ? `${device.credential.name} (${device.credential.username})` : 'none'}</dd>
        <dt>Device group</dt>
        <dd>{device.deviceGroup?.name ?? 'none'}</dd>
        <dt>Collection group</dt>
        <dd>
          {device.collectionGroup ? (
            <>
              {device.collectionGroup.name}{' '}
              <span className="muted">
                · {device.collectionGroup.schedule ?? 'manual only'} ({device.collectionGroup.timeZone})
              </span>
            </>
          ) : (
            'none (manual only)'
          )}
        </dd>
        <dt>Next run</dt>
        <dd data-testid="next-run">
          {device.nextRunAt ? formatZonedDateTime(device.nextRunAt, device.collectionGroup?.timeZone) : 'not scheduled'}
        </dd>
        <dt>Backup state</dt>
        <dd>
          <BackupStateBadge state={device.backupState} />
          {device.consecutiveFailures > 0 ? (
            <span className="muted"> · {device.consecutiveFailures} failures in a row</span>
          ) : null}
          {device.lastSuccessAt ? (
            <span className="muted" title={formatDateTime(device.lastSuccessAt)}>
              {' '}
              · last success {formatRelativeTime(device.lastSuccessAt, now)}
            </span>
          ) : null}
        </dd>
        <dt>Status</dt>
        <dd>
          {device.archivedAt
            ? `archived ${formatDateTime(device.archivedAt)}`
            : device.enabled
              ? 'enabled'
              : 'disabled'}
          {device.scrubSecrets ? <span className="muted"> · secrets masked</span> : null}
        </dd>
        <dt>Host key</dt>
        <dd>
          {device.hostKeyFingerprint ? (
            <span className="mono" data-testid="host-key">
              {device.hostKeyFingerprint}
            </span>
          ) : (
            <span className="muted">not pinned yet (trusted on first use)</span>
          )}
        </dd>
        <dt>Retention · storage</dt>
        <dd>
          {device.retentionPolicy?.name ?? 'group or default'} · {device.storageLocation?.name ?? 'group or default'}
        </dd>
        <dt>Last job</dt>
        <dd>
          <JobStatusBadge deviceId={device.id} job={job} />
          {job ? (
            <span className="muted small" title={formatDateTime(job.at)}>
              {' '}
              {formatRelativeTime(job.at, now)}
            </span>
          ) : null}
          {device.lastJob && job?.jobId === device.lastJob.id && device.lastJob.errorMessage ? (
            <div className="inline-error">{device.lastJob.errorMessage}</div>
          ) : null}
        </dd>
      </dl>

      {log.length > 0 ? <JobLog lines={log} live={job !== null && !isTerminal(job.status)} /> : null}

      <div className="title-row">
        <h2>Versions</h2>
        {device.lastBackup && !method?.isBinary ? (
          <CompareWithDevice deviceId={device.id} latestBackupId={device.lastBackup.id} />
        ) : null}
      </div>
      <BackupList
        deviceId={device.id}
        refreshToken={refreshToken}
        initialVersionId={initialVersionId}
        initialLine={initialLine}
      />
    </>
  );
}
