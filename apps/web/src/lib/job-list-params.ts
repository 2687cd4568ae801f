// The jobs page's filters and page as URL parameters, so Back and shared links restore them.
import { JOB_STATUSES, type JobStatus } from './job-status';
import { firstParam, type SearchParamValue } from './search-params';

export type JobListParams = {
  state: JobStatus | null;
  code: string | null;
  group: string | null;
  after: string | null;
};

export function parseJobListParams(raw: Record<string, SearchParamValue>): JobListParams {
  const state = firstParam(raw.state);
  return {
    state: JOB_STATUSES.find((candidate) => candidate === state) ?? null,
    code: firstParam(raw.code),
    group: firstParam(raw.group),
    after: firstParam(raw.after),
  };
}

export function jobListHref(params: JobListParams): string {
  const query = new URLSearchParams();
  if (params.state) query.set('state', params.state);
  if (params.code) query.set('code', params.code);
  if (params.group) query.set('group', params.group);
  if (params.after) query.set('after', params.after);
  const text = query.toString();
  return text ? `/jobs?${text}` : '/jobs';
}
