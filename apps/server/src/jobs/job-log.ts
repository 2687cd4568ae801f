/**
 * A running job's log: lines are stored and published in seq order (subscribers drop anything at or below
 * the last seq they saw), each only while this runner still holds the job's lease.
 */
import type { Database } from '@devicevault/schema/db/database';
import type { JobLogLine, JobRow, JobStatus } from '@devicevault/schema/db/tables';
import type { DeviceVaultPubSub } from '@devicevault/schema/pubsub';
import { appendJobLines, type Lease, nextSeq } from './job-queue.js';

export interface JobLog {
  /**
   * Stores (then publishes) a line after every line added before it, in the same statement as any progress or
   * staged lines still waiting; false when the lease was lost.
   */
  add(status: JobStatus, message: string, patch?: Partial<JobRow>, extra?: Partial<JobLogLine>): Promise<boolean>;
  /** A progress line: stored with the next added line, or within a second, so a chatty plugin costs few writes. */
  progress(message: string): void;
  /**
   * A line (a status change) that starts no timer of its own: it waits to be stored with the next write (a
   * progress flush may take it along) or to be taken by `takeWaiting`.
   */
  stage(status: JobStatus, message: string): void;
  /** Resolves once every line added so far is stored or refused. */
  settled(): Promise<void>;
  /**
   * Once the write in flight is done, hands over the lines still waiting, in seq order, for the caller to store
   * in its own statement (the final line's, with the version) and publish once stored.
   */
  takeWaiting(): Promise<JobLogLine[]>;
  /** Gives back lines taken by `takeWaiting` whose statement failed, ahead of any line queued since. */
  putBack(lines: readonly JobLogLine[]): void;
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
}

export function createJobLog(
  deps: { db: Database; pubsub: DeviceVaultPubSub },
  job: Pick<JobRow, 'id' | 'deviceId' | 'log'> & { deviceGroupId?: string | null; deviceGroupAt?: number },
  lease: Lease,
): JobLog {
  let seq = nextSeq(job);
  let pending: Pending[] = [];
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
      try {
        const patch = Object.assign({}, ...batch.map((entry) => entry.patch)) as Partial<JobRow>;
        const written = await appendJobLines(
          deps.db,
          lease,
          batch.map((entry) => entry.line),
          patch,
        );
        if (written) for (const entry of batch) log.publish(entry.line);
        for (const entry of batch) entry.done?.resolve(written);
      } catch (error) {
        for (const entry of batch) entry.done?.reject(error);
      }
    })().finally(() => {
      writing = null;
      if (pending.some((entry) => entry.done)) flush();
      else if (pending.length > 0) timer = setTimeout(flush, progressFlushMs);
    });
  }

  const log: JobLog = {
    add(status, message, patch = {}, extra = {}) {
      const line = log.next(status, message, extra);
      return new Promise<boolean>((resolve, reject) => {
        pending.push({ line, patch, done: { resolve, reject } });
        flush();
      });
    },
    progress(message) {
      pending.push({ line: log.next('running', message), patch: {} });
      if (!writing && !timer) timer = setTimeout(flush, progressFlushMs);
    },
    stage(status, message) {
      pending.push({ line: log.next(status, message), patch: {} });
    },
    async settled() {
      flush();
      while (writing) await writing;
    },
    async takeWaiting() {
      // An added line (someone awaits its write) goes its own way first; only lines nobody awaits are taken.
      while (writing || pending.some((entry) => entry.done)) {
        flush();
        await writing;
      }
      clearTimeout(timer);
      timer = undefined;
      const lines = pending.map((entry) => entry.line);
      pending = [];
      return lines;
    },
    putBack(lines) {
      pending.unshift(...lines.map((line) => ({ line, patch: {} })));
    },
    next(status, message, extra = {}) {
      return { seq: seq++, at: new Date().toISOString(), status, message, attempt: lease.attempt, ...extra };
    },
    publish(line) {
      const group =
        job.deviceGroupId === undefined ? {} : { deviceGroupId: job.deviceGroupId, deviceGroupAt: job.deviceGroupAt };
      const event = { ...line, jobId: job.id, deviceId: job.deviceId, ...group };
      deps.pubsub.publish('jobProgress', job.id, event);
      deps.pubsub.publish('jobEvents', event);
    },
  };
  return log;
}
