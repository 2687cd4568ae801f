/**
 * A running job's log. Each line is published as it is made (subscribers drop anything at or below the last
 * seq they saw), and stored in batches: within a second, or with the job's final write (`drain`), whichever
 * comes first, and only while this runner still holds the job's lease. Live progress never waits for the
 * database, and a job's lines cost one write or two instead of one each (issue 13 item 2). A final line is
 * published by its writer once its transaction commits. (jobProgress's replay re-reads the log for a line
 * published before it subscribed and stored after it read.)
 */
import type { Database } from '@devicevault/schema/db/database';
import type { JobLogLine, JobRow, JobStatus } from '@devicevault/schema/db/tables';
import type { DeviceVaultPubSub } from '@devicevault/schema/pubsub';
import { appendJobLines, type Lease, nextSeq } from './job-queue.js';

export interface JobLog {
  /** A line on the way (`running` or `storing`): published now, stored within a second or with the final write. */
  progress(message: string, status?: JobStatus): void;
  /**
   * The lines not stored yet, taken out of the batch (once a write in flight is done), for the caller's final
   * statement to write before its own line.
   */
  drain(): Promise<JobLogLine[]>;
  /** The next line, for a line written elsewhere (the final one is written with the version). */
  next(status: JobStatus, message: string, extra?: Partial<JobLogLine>): JobLogLine;
  publish(line: JobLogLine): void;
}

// How long a line may wait for company before it is written on its own.
const flushMs = 1_000;

export function createJobLog(
  deps: { db: Database; pubsub: DeviceVaultPubSub },
  job: Pick<JobRow, 'id' | 'deviceId' | 'log'> & { deviceGroupId?: string | null },
  lease: Lease,
): JobLog {
  let seq = nextSeq(job);
  let pending: JobLogLine[] = [];
  let writing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;

  /** Writes what waits in one statement (a refused write means the lease is gone: nothing more is stored). */
  function flush(): void {
    timer = undefined;
    if (writing || pending.length === 0) return;
    const batch = pending;
    pending = [];
    // A refused or failed write loses only these lines' storage (they are published); the final write says
    // whether the job is still ours and surfaces a database that fails.
    writing = appendJobLines(deps.db, lease, batch)
      .then(
        () => {},
        () => {},
      )
      .finally(() => {
        writing = null;
        if (pending.length > 0 && !timer) timer = setTimeout(flush, flushMs);
      });
  }

  const log: JobLog = {
    progress(message, status = 'running') {
      const line = log.next(status, message);
      pending.push(line);
      log.publish(line);
      if (!writing && !timer) timer = setTimeout(flush, flushMs);
    },
    async drain() {
      clearTimeout(timer);
      timer = undefined;
      while (writing) await writing;
      const lines = pending;
      pending = [];
      return lines;
    },
    next(status, message, extra = {}) {
      return { seq: seq++, at: new Date().toISOString(), status, message, attempt: lease.attempt, ...extra };
    },
    publish(line) {
      const group = job.deviceGroupId === undefined ? {} : { deviceGroupId: job.deviceGroupId };
      const event = { ...line, jobId: job.id, deviceId: job.deviceId, ...group };
      deps.pubsub.publish('jobProgress', job.id, event);
      deps.pubsub.publish('jobEvents', event);
    },
  };
  return log;
}
