import type { LiveJob } from '../lib/job-status';

/** A device's latest job state as a word; the test hook carries the status for scripts and browser tests. */
export function JobStatusBadge({ deviceId, job }: { deviceId: string; job: LiveJob | null }) {
  const status = job?.status ?? 'none';
  return (
    <span className="job-status" data-testid={`device-status-${deviceId}`} data-status={status}>
      <span className={`badge badge-${status}`}>{job ? status : 'never run'}</span>
      {job?.errorCode ? <code className="error-code">{job.errorCode}</code> : null}
    </span>
  );
}
