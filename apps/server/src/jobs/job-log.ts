/**
 * A running job's log: lines are published in seq order (subscribers drop anything at or below the last seq
 * they saw) and stored only while this runner still holds the job's lease. A line that changes the job
 * (`add`) is published once stored; a progress line is published at once, as the plugin says it, and stored
 * with the next write: live progress doesn't wait for the database, and a chatty plugin still costs few
 * writes. (jobProgress's replay re-reads the log for a progress line published before it subscribed and
 * stored after it read.)
 */
import type { Database } from '@devicevault/schema/db/database';
import type { JobLogLine, JobRow, JobStatus } from '@devicevault/schema/db/tables';
import type { DeviceVaultPubSub } from '@devicevault/schema/pubsub';
import { appendJobLines, type Lease, nextSeq } from './job-queue.js';

export interface JobLog {
  /**
   * Stores (then publishes) a line after every line added before it, in the same statement as any progress
   * lines still waiting; false when the lease was lost.
   */
  add(status: JobStatus, message: string, patch?: Partial<JobRow>, extra?: Partial<JobLogLine>): Promise<boolean>;
  /**
   * A progress line: published now (unless a line before it still waits for its write; then right after
   * that), stored with the next added line or within a second.
   */
  progress(message: string): void;
  /** Resolves once every line added so far is stored or refused. */
  settled(): Promise<void>;
  /** The next line, for a line written elsewhere (the final one is written with the version). */
  next(status: JobStatus, message: string, extra?: Partial<JobLogLine>): JobLogLine;
  publish(line: JobLogLine): void;
}

// How long a progress line may wait for company before it is written on its own.
const progressFlushMs = 1_000;

interface Pending {
  line: JobLogLine;
  patch: Partial<JobRow>;
  done?: { resolve(written: boolean): void; reject(error: unknown): void };
  published?: boolean;
}

export function createJobLog(
  deps: { db: Database; pubsub: DeviceVaultPubSub },
  job: Pick<JobRow, 'id' | 'deviceId' | 'log'> & { deviceGroupId?: string | null },
  lease: Lease,
): JobLog {
  let seq = nextSeq(job);
  let pending: Pending[] = [];
  // Progress lines wait only behind an added line still being written (seq order on the wire).
  let heldBehindWrite = 0;
  let writing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;

  /** Writes everything pending in one statement, once the write before it is done (lines stay in seq order). */
  function flush(): void {
    clearTimeout(timer);
    timer = undefined;
    if (writing || pending.length === 0) return;
    const batch = pending;
    pending = [];
    writing = (async () => {
      let written = false;
      try {
        const patch = Object.assign({}, ...batch.map((entry) => entry.patch)) as Partial<JobRow>;
        written = await appendJobLines(
          deps.db,
          lease,
          batch.map((entry) => entry.line),
          patch,
        );
      } catch (error) {
        for (const entry of batch) entry.done?.reject(error);
        return;
      } finally {
        heldBehindWrite -= batch.filter((entry) => entry.done).length;
      }
      if (written) {
        for (const entry of batch) if (!entry.published) log.publish(entry.line);
        publishProgressUpToNextAdd();
      }
      for (const entry of batch) entry.done?.resolve(written);
    })().finally(() => {
      writing = null;
      if (pending.some((entry) => entry.done)) flush();
      else if (pending.length > 0) timer = setTimeout(flush, progressFlushMs);
    });
  }

  /** Progress lines queued behind added lines whose writes are done now go out, in order. */
  function publishProgressUpToNextAdd() {
    for (const entry of pending) {
      if (entry.done) return;
      if (!entry.published) {
        entry.published = true;
        log.publish(entry.line);
      }
    }
  }

  const log: JobLog = {
    add(status, message, patch = {}, extra = {}) {
      const line = log.next(status, message, extra);
      heldBehindWrite++;
      return new Promise<boolean>((resolve, reject) => {
        pending.push({ line, patch, done: { resolve, reject } });
        flush();
      });
    },
    progress(message) {
      const entry: Pending = { line: log.next('running', message), patch: {} };
      const nothingAhead = heldBehindWrite === 0 && pending.every((earlier) => earlier.published);
      pending.push(entry);
      if (nothingAhead) {
        entry.published = true;
        log.publish(entry.line);
      }
      if (!writing && !timer) timer = setTimeout(flush, progressFlushMs);
    },
    async settled() {
      flush();
      while (writing) await writing;
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
