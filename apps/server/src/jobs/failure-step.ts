/**
 * Step "fail": a transient failure (the network, a dead worker) goes back to the queue after an exponential
 * backoff with jitter while attempts remain (the collection group's maxAttempts); any other failure, or the
 * last attempt, ends the job `failed` with the device's facts and a BACKUP_FAILED event in one transaction.
 * Every attempt's lines stay in the job's log.
 */
import type { Database } from '@devicevault/schema/db/database';
import type { JobLogLine, JobRow } from '@devicevault/schema/db/tables';
import type { DeviceVaultPubSub } from '@devicevault/schema/pubsub';
import type { Logger } from '../log.js';
import { publishDeviceEvents } from './device-events.js';
import { JobFailure } from './job-failure.js';
import type { JobLog } from './job-log.js';
import { appendJobLog, type Lease } from './job-queue.js';
import { type FirstHostKey, pinFailedJobHostKey, recordFailureFacts } from './outcome-facts.js';

/** Failures worth another attempt: the device or the path to it may answer next time. */
export const transientCodes: ReadonlySet<string> = new Set([
  'timeout',
  'connection_dropped',
  'connection_refused',
  'host_unreachable',
  'dns_failed',
  'worker_died',
]);

/** Base × 2^(attempt−1), plus up to half again of jitter so a fleet that failed together spreads out; ≤ 1 h. */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = baseMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(exponential * (1 + random() * 0.5), 3_600_000);
}

export interface FailureDeps {
  db: Database;
  pubsub: DeviceVaultPubSub;
  log: Logger;
  /** The first retry's delay (it doubles per attempt); default 30 s. */
  retryBaseMs?: number;
  now?: () => Date;
}

/** `firstHostKey`: the key the job saw of a device with none pinned, pinned with the failure (trust on first use). */
export async function recordJobFailure(
  deps: FailureDeps,
  job: JobRow,
  lease: Lease,
  log: JobLog,
  error: unknown,
  firstHostKey: FirstHostKey | null = null,
) {
  const failure =
    error instanceof JobFailure ? error : new JobFailure('plugin_error', `unexpected failure: ${String(error)}`);
  const { code, message } = failure;
  try {
    await log.settled();
    if (transientCodes.has(code) && lease.attempt < job.maxAttempts) {
      const delayMs = retryDelayMs(lease.attempt, deps.retryBaseMs ?? 30_000);
      const runAfter = new Date((deps.now?.() ?? new Date()).getTime() + delayMs);
      const text = `Attempt ${lease.attempt} of ${job.maxAttempts} failed (${code}: ${message}); retrying in ${(delayMs / 1000).toFixed(1)} s`;
      const line = log.next('queued', text, { errorCode: code });
      const patch = { runAfter, leaseOwner: null, leaseExpiresAt: null, errorCode: code, errorMessage: message };
      const append = (tx: Database) => appendFailure(tx, job, lease, line, patch, firstHostKey);
      // A transaction only when a pin goes with the line (a job's first collection of a device).
      if (await (firstHostKey ? deps.db.transaction(append) : append(deps.db))) log.publish(line);
      deps.log.info('job will be retried', { jobId: job.id, deviceId: job.deviceId, code, delayMs });
      return;
    }
    deps.log.warn('job failed', { jobId: job.id, deviceId: job.deviceId, code });
    const line = log.next('failed', message, { errorCode: code });
    const finished = {
      errorCode: code,
      errorMessage: message,
      finishedAt: new Date(),
      leaseOwner: null,
      leaseExpiresAt: null,
    };
    const events = await deps.db.transaction(async (tx) => {
      if (!(await appendFailure(tx, job, lease, line, finished, firstHostKey))) return null;
      return recordFailureFacts(tx, { deviceId: job.deviceId, jobId: job.id, code, message, attempt: lease.attempt });
    });
    if (!events) return;
    log.publish(line);
    publishDeviceEvents(deps.pubsub, events);
  } catch (recordError) {
    deps.log.error('recording a failure failed', { jobId: job.id, error: String(recordError) });
  }
}

/** The failure's line under the job's lease, and the host key pinned only when that line was ours to write. */
async function appendFailure(
  tx: Database,
  job: JobRow,
  lease: Lease,
  line: JobLogLine,
  patch: Partial<JobRow>,
  firstHostKey: FirstHostKey | null,
): Promise<boolean> {
  if (!(await appendJobLog(tx, lease, line, patch))) return false;
  if (firstHostKey) await pinFailedJobHostKey(tx, job.deviceId, firstHostKey);
  return true;
}
