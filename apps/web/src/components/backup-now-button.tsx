'use client';

import { useState } from 'react';
import { gql, useMutation } from 'urql';
import { isTerminal, type JobProgressEvent, type LiveJob, liveJobFromEvent, liveJobFromJob } from '../lib/job-status';
import { useSubscriptionEvents } from '../lib/use-subscription-events';

type JobFields = { id: string; status: string; errorCode: string | null; createdAt: string; finishedAt: string | null };

const BackupNowButton_TriggerBackupMutation = gql<
  {
    triggerBackup:
      | { __typename: 'TriggerBackupSuccess'; job: JobFields }
      | { __typename: 'NotFoundError'; message: string }
      | { __typename: 'ValidationError'; message: string; field: string };
  },
  { input: { deviceId: string } }
>`
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
`;

const BackupNowButton_JobProgressSubscription = gql<{ jobProgress: JobProgressEvent }, { jobId: string }>`
  subscription BackupNowButton_JobProgressSubscription($jobId: ID!) {
    jobProgress(jobId: $jobId) { jobId deviceId status message at errorCode backupId }
  }
`;

/**
 * Starts a backup of one device and follows that job live, reporting every state to `onProgress`
 * (the row or page owning the status shows it).
 */
export function BackupNowButton({
  deviceId,
  onProgress,
  busy = false,
}: {
  deviceId: string;
  onProgress: (job: LiveJob, event: JobProgressEvent | null) => void;
  /** True while another job for this device is already in flight (e.g. started by the scheduler). */
  busy?: boolean;
}) {
  const [{ fetching }, triggerBackup] = useMutation(BackupNowButton_TriggerBackupMutation);
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useSubscriptionEvents(
    BackupNowButton_JobProgressSubscription,
    { jobId: jobId ?? '' },
    ({ jobProgress }) => {
      onProgress(liveJobFromEvent(jobProgress), jobProgress);
      if (isTerminal(jobProgress.status)) setJobId(null);
    },
    { pause: !jobId },
  );

  async function start() {
    setError(null);
    const result = await triggerBackup({ input: { deviceId } });
    const payload = result.data?.triggerBackup;
    if (!payload) {
      setError(result.error?.message ?? 'The server did not answer');
      return;
    }
    if (payload.__typename !== 'TriggerBackupSuccess') {
      setError(payload.message);
      return;
    }
    const { job } = payload;
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
        disabled={running || busy}
        onClick={() => void start()}
      >
        {running ? 'Backing up…' : 'Back up now'}
      </button>
      {error ? (
        <span className="inline-error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}
