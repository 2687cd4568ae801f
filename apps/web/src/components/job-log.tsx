import { formatTime } from '../lib/format';

/** A job's log lines (status changes and messages), oldest first; grows live while the job runs. */
export function JobLog({
  lines,
  live,
}: {
  lines: readonly { seq: number; at: string; status: string; message: string | null }[];
  live: boolean;
}) {
  return (
    <details className="job-log" open={live} data-testid="job-log">
      <summary>Job log ({lines.length} lines)</summary>
      <ol aria-live={live ? 'polite' : 'off'}>
        {lines.map((line) => (
          <li key={line.seq}>
            <span className="muted mono">{formatTime(line.at)}</span> <span className="mono">{line.status}</span>{' '}
            {line.message}
          </li>
        ))}
      </ol>
    </details>
  );
}
