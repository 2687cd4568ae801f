// What the dashboard knows about a device's latest job, and how live events are merged into it.
// Events for one job can arrive twice (jobProgress and jobEvents) and out of order across the two
// subscriptions; a job never goes back from a later stage to an earlier one.

import { graphql, type ResultOf } from './graphql';

export const JOB_STATUSES = ['queued', 'running', 'storing', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** The fields every live job subscription selects (spread it as `...LiveJob_JobProgressEventFragment`). */
export const LiveJob_JobProgressEventFragment = graphql(`
  fragment LiveJob_JobProgressEventFragment on JobProgressEvent {
    jobId deviceId status message at errorCode backupId seq
  }
`);

export type JobProgressEvent = ResultOf<typeof LiveJob_JobProgressEventFragment>;

export type LiveJob = {
  jobId: string;
  status: string;
  errorCode: string | null;
  /** When this state was reached (event time, or the job's own timestamps). */
  at: string;
};

const RANK: Record<string, number> = { queued: 0, running: 1, storing: 2, succeeded: 3, failed: 3 };

export function isTerminal(status: string): boolean {
  return status === 'succeeded' || status === 'failed';
}

function rank(status: string): number {
  return RANK[status] ?? -1;
}

/** Picks the state to show: the further-along stage of the same job, or the more recent job. */
export function laterJobState(current: LiveJob | null | undefined, next: LiveJob | null | undefined): LiveJob | null {
  if (!current) return next ?? null;
  if (!next) return current;
  if (current.jobId === next.jobId) return rank(next.status) >= rank(current.status) ? next : current;
  return Date.parse(next.at) >= Date.parse(current.at) ? next : current;
}

export function liveJobFromEvent(event: JobProgressEvent): LiveJob {
  return { jobId: event.jobId, status: event.status, errorCode: event.errorCode, at: event.at };
}

/** Shapes a `Job` from a query the same way as an event, so both can be compared. */
export function liveJobFromJob(
  job: { id: string; status: string; errorCode: string | null; createdAt: string; finishedAt?: string | null } | null,
): LiveJob | null {
  if (!job) return null;
  return { jobId: job.id, status: job.status, errorCode: job.errorCode, at: job.finishedAt ?? job.createdAt };
}
