'use client';

import { useEffect, useRef, useState } from 'react';
import { useClient, useMutation } from 'urql';
import { errorMessage } from '../lib/error-message';
import { graphql } from '../lib/graphql';
import {
  isTerminal,
  type JobProgressEvent,
  type LiveJob,
  LiveJob_JobProgressEventFragment,
  liveJobFromEvent,
  liveJobFromJob,
} from '../lib/job-status';
import { useSubscriptionEvents } from '../lib/use-subscription-events';
import { useAnnounce } from './announcer';

const BackupNowButton_TriggerBackupMutation = graphql(`
  mutation BackupNowButton_TriggerBackupMutation($input: TriggerBackupInput!) {
    triggerBackup(input: $input) {
      __typename
      ... on TriggerBackupSuccess {
        job { id status errorCode createdAt finishedAt }
      }
      ... on Error {
        message
      }
      ... on ValidationError {
        field
      }
    }
  }
`);

// Polled while a job runs, in case the live connection is down (events would then never arrive).
const BackupNowButton_JobQuery = graphql(`
  query BackupNowButton_JobQuery($id: ID!) {
    job(id: $id) { id status errorCode createdAt finishedAt }
  }
`);

const BackupNowButton_JobProgressSubscription = graphql(
  `
  subscription BackupNowButton_JobProgressSubscription($jobId: ID!) {
    jobProgress(jobId: $jobId) { ...LiveJob_JobProgressEventFragment }
  }
`,
  [LiveJob_JobProgressEventFragment],
);

/**
 * Starts a backup of one device and follows that job live, reporting every state to `onProgress`
 * (the row or page owning the status shows it).
 */
export function BackupNowButton({
  deviceId,
  deviceName,
  onProgress,
  busy = false,
  disabled = false,
}: {
  deviceId: string;
  /** Names the button for screen readers: "Back up demo-core-sw1". */
  deviceName: string;
  /** The device is disabled or archived: the server would refuse. */
  disabled?: boolean;
  onProgress: (job: LiveJob, event: JobProgressEvent | null) => void;
  /** True while another job for this device is already in flight (e.g. started by the scheduler). */
  busy?: boolean;
}) {
  const announce = useAnnounce();
  const onProgressRef = useRef(onProgress);
  useEffect(() => {
    onProgressRef.current = onProgress;
  });
  const [{ fetching }, triggerBackup] = useMutation(BackupNowButton_TriggerBackupMutation);
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useSubscriptionEvents(
    BackupNowButton_JobProgressSubscription,
    { jobId: jobId ?? '' },
    ({ jobProgress }) => {
      onProgress(liveJobFromEvent(jobProgress), jobProgress);
      if (!isTerminal(jobProgress.status)) return;
      setJobId(null);
      announce(`Backup of ${deviceName} ${jobProgress.status}`);
    },
    { pause: !jobId },
  );

  const client = useClient();
  useEffect(() => {
    if (!jobId) return;
    const timer = setInterval(async () => {
      const result = await client.query(BackupNowButton_JobQuery, { id: jobId }, { requestPolicy: 'network-only' });
      const job = result.data?.job;
      if (!job || !isTerminal(job.status)) return;
      const finished = liveJobFromJob(job);
      if (finished) onProgressRef.current(finished, null);
      setJobId((current) => (current === job.id ? null : current));
    }, 3_000);
    return () => clearInterval(timer);
  }, [client, jobId]);

  async function start() {
    setError(null);
    const result = await triggerBackup({ input: { deviceId } });
    const payload = result.data?.triggerBackup;
    if (!payload) {
      setError(errorMessage(result.error));
      return;
    }
    if (payload.__typename !== 'TriggerBackupSuccess') {
      setError(payload.message);
      return;
    }
    const { job } = payload;
    if (!job) {
      setError('Nothing was queued (the device is disabled or already has a job waiting)');
      return;
    }
    announce(`Backup of ${deviceName} queued`);
    const queued = liveJobFromJob(job);
    if (queued) onProgress(queued, null);
    if (isTerminal(job.status)) return;
    // jobProgress replays the job's events from the first one, so nothing is missed by subscribing now.
    setJobId(job.id);
  }

  const running = fetching || jobId !== null;
  return (
    <span className="backup-now">
      <button
        type="button"
        className="button"
        data-testid={`backup-now-${deviceId}`}
        disabled={running || busy || disabled}
        onClick={() => void start()}
      >
        {running ? 'Backing up' : 'Back up'}
        {/* The visible word plus the device: "Back up demo-core-sw1" for screen readers and voice control. */}
        <span className="visually-hidden"> {deviceName}</span>
        {running ? '…' : null}
      </button>
      {error ? (
        <span className="inline-error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}
