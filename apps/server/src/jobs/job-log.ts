/**
 * A running job's log: lines are stored and published in seq order (subscribers drop anything at or below
 * the last seq they saw), each only while this runner still holds the job's lease.
 */
import type { Database } from '@devicevault/schema/db/database';
import type { JobLogLine, JobRow, JobStatus } from '@devicevault/schema/db/tables';
import type { DeviceVaultPubSub } from '@devicevault/schema/pubsub';
import { appendJobLog, type Lease, nextSeq } from './job-queue.js';

export interface JobLog {
  /** Stores (then publishes) a line after every line added before it; false when the lease was lost. */
  add(status: JobStatus, message: string, patch?: Partial<JobRow>, extra?: Partial<JobLogLine>): Promise<boolean>;
  /** Resolves once every line added so far is stored or refused. */
  settled(): Promise<void>;
  /** The next line, for a line written elsewhere (the final one is written with the version). */
  next(status: JobStatus, message: string, extra?: Partial<JobLogLine>): JobLogLine;
  publish(line: JobLogLine): void;
}

export function createJobLog(
  deps: { db: Database; pubsub: DeviceVaultPubSub },
  job: Pick<JobRow, 'id' | 'deviceId' | 'log'>,
  lease: Lease,
): JobLog {
  let seq = nextSeq(job);
  let chain: Promise<unknown> = Promise.resolve();
  const log: JobLog = {
    add(status, message, patch = {}, extra = {}) {
      const line = log.next(status, message, extra);
      const stored = chain.then(async () => {
        const written = await appendJobLog(deps.db, lease, line, patch);
        if (written) log.publish(line);
        return written;
      });
      chain = stored.catch(() => {});
      return stored;
    },
    settled: () => chain.then(() => {}),
    next(status, message, extra = {}) {
      return { seq: seq++, at: new Date().toISOString(), status, message, attempt: lease.attempt, ...extra };
    },
    publish(line) {
      const event = { ...line, jobId: job.id, deviceId: job.deviceId };
      deps.pubsub.publish('jobProgress', job.id, event);
      deps.pubsub.publish('jobEvents', event);
    },
  };
  return log;
}
