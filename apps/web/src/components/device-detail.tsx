'use client';

import Link from 'next/link';
import { useCallback, useState } from 'react';
import { gql, useQuery } from 'urql';
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
import { BackupList } from './backup-list';
import { BackupNowButton } from './backup-now-button';
import { JobStatusBadge } from './job-status-badge';

type DeviceDetails = {
  id: string;
  name: string;
  host: string;
  port: number;
  pluginKey: string;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  credential: { id: string; name: string; username: string } | null;
  lastBackup: { id: string; createdAt: string } | null;
  lastJob: {
    id: string;
    status: string;
    errorCode: string | null;
    errorMessage: string | null;
    createdAt: string;
    finishedAt: string | null;
  } | null;
};

type BackupMethod = { key: string; friendlyName: string; isBinary: boolean };

const DeviceDetail_DeviceQuery = gql<{ device: DeviceDetails | null; backupMethods: BackupMethod[] }, { id: string }>`
  query DeviceDetail_DeviceQuery($id: ID!) {
    device(id: $id) {
      id
      name
      host
      port
      pluginKey
      enabled
      createdAt
      updatedAt
      credential { id name username }
      lastBackup { id createdAt }
      lastJob { id status errorCode errorMessage createdAt finishedAt }
    }
    backupMethods { key friendlyName isBinary }
  }
`;

const DeviceDetail_JobEventsSubscription = gql<{ jobEvents: JobProgressEvent }, Record<string, never>>`
  subscription DeviceDetail_JobEventsSubscription {
    jobEvents { jobId deviceId status message at errorCode backupId }
  }
`;

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
  const [liveJob, setLiveJob] = useState<LiveJob | null>(null);
  const [lastMessage, setLastMessage] = useState<string | null>(null);
  // Bumped when a job of this device ends, so the details and the newest backups are read again.
  const [refreshToken, setRefreshToken] = useState(0);

  const [{ data, error }, reexecute] = useQuery({ query: DeviceDetail_DeviceQuery, variables: { id: deviceId } });

  const applyJobState = useCallback(
    (job: LiveJob, event: JobProgressEvent | null) => {
      setLiveJob((current) => laterJobState(current, job));
      if (event?.message) setLastMessage(event.message);
      if (!isTerminal(job.status)) return;
      setRefreshToken((token) => token + 1);
      reexecute({ requestPolicy: 'network-only' });
    },
    [reexecute],
  );

  useSubscriptionEvents(DeviceDetail_JobEventsSubscription, {}, ({ jobEvents }) => {
    if (jobEvents.deviceId === deviceId) applyJobState(liveJobFromEvent(jobEvents), jobEvents);
  });

  if (error && !data) return <p className="notice notice-error">Could not load the device: {error.message}</p>;
  if (!data) return <p className="notice">Loading device…</p>;
  const { device } = data;
  if (!device) {
    return (
      <p className="notice">
        No device with id <code>{deviceId}</code>. <Link href="/">Back to devices</Link>
      </p>
    );
  }

  const method = data.backupMethods.find((candidate) => candidate.key === device.pluginKey);
  const job = laterJobState(liveJobFromJob(device.lastJob), liveJob);
  const jobErrorMessage = job && device.lastJob?.id === job.jobId ? device.lastJob.errorMessage : null;

  return (
    <>
      <p className="breadcrumb">
        <Link href="/">Devices</Link> /
      </p>
      <div className="title-row">
        <h1>{device.name}</h1>
        <BackupNowButton
          deviceId={device.id}
          busy={job !== null && !isTerminal(job.status)}
          onProgress={applyJobState}
        />
      </div>

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
        <dt>Enabled</dt>
        <dd>{device.enabled ? 'yes' : 'no'}</dd>
        <dt>Last backup</dt>
        <dd>
          {device.lastBackup ? (
            <span title={formatDateTime(device.lastBackup.createdAt)}>
              {formatRelativeTime(device.lastBackup.createdAt, now)}
            </span>
          ) : (
            'never'
          )}
        </dd>
        <dt>Last job</dt>
        <dd>
          <JobStatusBadge deviceId={device.id} job={job} />
          {job ? <span className="muted small"> {formatRelativeTime(job.at, now)}</span> : null}
          {job && !isTerminal(job.status) && lastMessage ? <span className="muted small"> · {lastMessage}</span> : null}
          {jobErrorMessage ? <div className="inline-error">{jobErrorMessage}</div> : null}
        </dd>
      </dl>

      <h2>Versions</h2>
      <BackupList
        deviceId={device.id}
        refreshToken={refreshToken}
        initialVersionId={initialVersionId}
        initialLine={initialLine}
      />
    </>
  );
}
