'use client';

import Link from 'next/link';
import { useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { formatDateTime, formatRelativeTime } from '../../lib/format';
import { graphql } from '../../lib/graphql';
import { isTerminal, type JobProgressEvent } from '../../lib/job-status';
import { useLiveQuery } from '../../lib/use-live-query';
import { useNow } from '../../lib/use-now';
import { useThrottled } from '../../lib/use-throttled';
import { useAnnounce } from '../announcer';
import { usePermissions } from '../viewer-provider';
import { ActiveJobs_JobsQuery, type ActiveJobsData } from './active-jobs-query';
import { useJobEvents } from './use-job-finished';

const ActiveJobs_CancelJobMutation = graphql(`
  mutation ActiveJobs_CancelJobMutation($input: CancelJobInput!) {
    cancelJob(input: $input) {
      __typename
      ... on CancelJobSuccess { job { id status } }
      ... on Error { message }
    }
  }
`);

const STAGE_PROGRESS: Record<string, number> = { queued: 5, running: 50, storing: 85 };

type ActiveJob = { jobId: string; deviceId: string; status: string; message: string | null; at: string };

/**
 * Running and queued jobs with a progress bar per stage; operators may cancel them. A job the list doesn't have
 * yet (queued elsewhere since) has the list read again, at most every 2 s, for its device's name.
 */
export function ActiveJobs({ initial, limit = 12 }: { initial: ActiveJobsData | null; limit?: number }) {
  const now = useNow(5_000);
  const announce = useAnnounce();
  const permissions = usePermissions();
  const [{ data: fetched }, reexecute] = useLiveQuery({ query: ActiveJobs_JobsQuery, variables: {} });
  // What the server rendered until the browser's own answer arrives.
  const data = fetched ?? initial;
  const reread = useThrottled(() => reexecute({ requestPolicy: 'network-only' }), 2_000);
  const loaded = data?.jobs.edges.map(({ node }) => node) ?? [];
  const devices = new Map(loaded.map((job) => [job.device.id, job.device]));
  const [live, setLive] = useState<Record<string, ActiveJob>>({});
  const [, cancelJob] = useMutation(ActiveJobs_CancelJobMutation);
  const [problem, setProblem] = useState<string | null>(null);

  useJobEvents((event: JobProgressEvent) => {
    if (!devices.has(event.deviceId) && !isTerminal(event.status)) reread();
    setLive((current) => ({
      ...current,
      [event.jobId]: {
        jobId: event.jobId,
        deviceId: event.deviceId,
        status: event.status,
        message: event.message,
        at: current[event.jobId]?.at ?? event.at,
      },
    }));
  });

  const jobs = new Map<string, ActiveJob>();
  for (const job of loaded) {
    jobs.set(job.id, {
      jobId: job.id,
      deviceId: job.device.id,
      status: job.status,
      message: null,
      at: job.createdAt,
    });
  }
  for (const job of Object.values(live)) jobs.set(job.jobId, { ...jobs.get(job.jobId), ...job });
  const active = [...jobs.values()]
    .filter((job) => !isTerminal(job.status))
    .sort((a, b) => (STAGE_PROGRESS[b.status] ?? 0) - (STAGE_PROGRESS[a.status] ?? 0) || a.at.localeCompare(b.at));

  async function cancel(job: ActiveJob, name: string) {
    setProblem(null);
    const result = await cancelJob({ input: { id: job.jobId } });
    const payload = result.data?.cancelJob;
    if (payload?.__typename === 'CancelJobSuccess') announce(`Job of ${name} cancelled`);
    else setProblem(payload && 'message' in payload ? payload.message : errorMessage(result.error));
  }

  return (
    <section className="panel" aria-labelledby="jobs-title" data-testid="active-jobs">
      <h2 id="jobs-title">
        Running and queued <span className="muted small">({active.length})</span>
      </h2>
      {problem ? (
        <p className="inline-error" role="alert">
          {problem}
        </p>
      ) : null}
      {active.length === 0 ? <p className="muted">Nothing running.</p> : null}
      <ul className="plain-list">
        {active.slice(0, limit).map((job) => {
          const device = devices.get(job.deviceId);
          const name = device?.name ?? 'device';
          return (
            <li key={job.jobId} className="job-line" data-testid="active-job" data-status={job.status}>
              <Link href={`/devices/${encodeURIComponent(job.deviceId)}`}>{name}</Link>{' '}
              <span className="muted small">
                {job.status} · <time title={formatDateTime(job.at)}>{formatRelativeTime(job.at, now)}</time>
                {job.message ? ` · ${job.message}` : ''}
              </span>
              <progress
                max={100}
                value={STAGE_PROGRESS[job.status] ?? 0}
                aria-label={`Progress of the backup of ${name}: ${job.status}`}
              />
              {permissions.canOperate(device?.deviceGroup?.id ?? null) ? (
                <button
                  type="button"
                  className="button button-quiet button-small"
                  aria-label={`Cancel the backup of ${name}`}
                  onClick={() => void cancel(job, name)}
                >
                  Cancel
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      {active.length > limit ? <p className="muted small">and {active.length - limit} more</p> : null}
    </section>
  );
}
