'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { graphql } from '../../lib/graphql';
import { type JobListParams, jobListHref } from '../../lib/job-list-params';
import {
  isTerminal,
  type JobStatus,
  type LiveJob,
  LiveJob_JobProgressEventFragment,
  laterJobState,
  liveJobFromEvent,
  liveJobFromJob,
} from '../../lib/job-status';
import { useLiveQuery } from '../../lib/use-live-query';
import { useSubscriptionEvents } from '../../lib/use-subscription-events';
import { useThrottled } from '../../lib/use-throttled';
import { useAnnounce } from '../announcer';
import { Pager } from '../pager';
import { usePermissions } from '../viewer-provider';
import { JobFilters } from './job-filters';

const PAGE_SIZE = 50;

const JobsPage_JobsQuery = graphql(`
  query JobsPage_JobsQuery($first: Int!, $after: String, $filter: JobFilter) {
    jobs(first: $first, after: $after, filter: $filter) {
      edges {
        node {
          id status trigger attempts maxAttempts errorCode errorMessage requestedBy createdAt finishedAt
          device { id name deviceGroup { id } }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const JobsPage_JobEventsSubscription = graphql(
  `
  subscription JobsPage_JobEventsSubscription {
    jobEvents { ...LiveJob_JobProgressEventFragment }
  }
`,
  [LiveJob_JobProgressEventFragment],
);

const JobsPage_CancelJobMutation = graphql(`
  mutation JobsPage_CancelJobMutation($input: CancelJobInput!) {
    cancelJob(input: $input) {
      __typename
      ... on CancelJobSuccess { job { id status errorCode finishedAt } }
      ... on Error { message }
    }
  }
`);

const STATE_ENUM = {
  queued: 'QUEUED',
  running: 'RUNNING',
  storing: 'STORING',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
} as const satisfies Record<JobStatus, string>;

type LiveState = LiveJob & { message: string | null };

/** The fleet's queue and history: filters and page in the URL, states kept live, cancel for operators. */
export function JobsPage({ params }: { params: JobListParams }) {
  const router = useRouter();
  const announce = useAnnounce();
  const permissions = usePermissions();
  const [live, setLive] = useState<Record<string, LiveState>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [, cancelJob] = useMutation(JobsPage_CancelJobMutation);

  const filter = {
    states: params.state ? [STATE_ENUM[params.state]] : null,
    errorCodes: params.code ? [params.code] : null,
    deviceGroupIds: params.group ? [params.group] : null,
  };
  const [{ data, fetching, error }, reexecute] = useLiveQuery({
    query: JobsPage_JobsQuery,
    variables: { first: PAGE_SIZE, after: params.after, filter },
  });
  const reread = useThrottled(() => reexecute({ requestPolicy: 'network-only' }), 2_000);
  const rows = data?.jobs.edges.map((edge) => edge.node) ?? [];
  const shown = new Set(rows.map((row) => row.id));

  useSubscriptionEvents(JobsPage_JobEventsSubscription, {}, ({ jobEvents }) => {
    const next = { ...liveJobFromEvent(jobEvents), message: jobEvents.message };
    setLive((current) => {
      const merged = laterJobState(current[next.jobId], next);
      return merged === current[next.jobId] ? current : { ...current, [next.jobId]: { ...next, ...merged } };
    });
    // A job not on the page may be new (only the first page shows the newest), and an ending job gains its
    // finish time and message: both come from the list itself, read again at most every 2 s.
    if ((!shown.has(jobEvents.jobId) && !params.after) || isTerminal(jobEvents.status)) reread();
  });

  function go(next: Partial<JobListParams>) {
    router.push(jobListHref({ ...params, after: null, ...next }));
  }

  async function cancel(jobId: string, deviceName: string) {
    setProblem(null);
    const result = await cancelJob({ input: { id: jobId } });
    const payload = result.data?.cancelJob;
    if (payload?.__typename === 'CancelJobSuccess') {
      announce(`Job of ${deviceName} cancelled`);
      reread();
      return;
    }
    setProblem(payload && 'message' in payload ? payload.message : errorMessage(result.error));
  }

  return (
    <>
      <h1>Jobs</h1>
      <JobFilters params={params} onChange={go} />
      {problem ? (
        <p className="inline-error" role="alert">
          {problem}
        </p>
      ) : null}
      {error && !data ? <p className="notice notice-error">Could not load jobs: {errorMessage(error)}</p> : null}
      {!data && !error ? <p className="notice">Loading jobs…</p> : null}
      {data && rows.length === 0 ? <p className="notice">No jobs match.</p> : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className="data-table" data-testid="jobs-table" aria-busy={fetching}>
            <thead>
              <tr>
                <th>Queued</th>
                <th>Device</th>
                <th>State</th>
                <th>Trigger</th>
                <th>Attempts</th>
                <th>Message</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((job) => {
                const stored = liveJobFromJob(job);
                const state = laterJobState(stored, live[job.id]) as LiveState | LiveJob;
                const message =
                  state === stored
                    ? job.errorMessage
                    : (('message' in state ? state.message : null) ?? job.errorMessage);
                const cancellable =
                  (state.status === 'queued' || state.status === 'running') &&
                  permissions.canOperate(job.device.deviceGroup?.id ?? null);
                return (
                  <tr key={job.id} data-testid="job-row" data-job-id={job.id} data-status={state.status}>
                    <td className="small">{formatDateTime(job.createdAt)}</td>
                    <td>
                      <Link href={`/devices/${encodeURIComponent(job.device.id)}`}>{job.device.name}</Link>
                    </td>
                    <td>
                      <span className={`badge badge-${state.status}`}>{state.status}</span>
                      {state.errorCode ? <code className="error-code">{state.errorCode}</code> : null}
                    </td>
                    <td className="small">
                      {job.trigger}
                      {job.requestedBy ? <span className="muted"> · {job.requestedBy}</span> : null}
                    </td>
                    <td className="small">
                      {job.attempts}/{job.maxAttempts}
                    </td>
                    <td className="small">{message ?? ''}</td>
                    <td>
                      {cancellable ? (
                        <button
                          type="button"
                          className="button button-quiet button-small"
                          aria-label={`Cancel job of ${job.device.name}`}
                          onClick={() => void cancel(job.id, job.device.name)}
                        >
                          Cancel
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager
        label="Job pages"
        isFirstPage={!params.after}
        nextHref={
          data?.jobs.pageInfo.hasNextPage && data.jobs.pageInfo.endCursor
            ? jobListHref({ ...params, after: data.jobs.pageInfo.endCursor })
            : null
        }
        status={fetching ? 'loading…' : `${rows.length} shown`}
      />
    </>
  );
}
