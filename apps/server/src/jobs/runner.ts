/**
 * Claims queued jobs and runs each (run-job.ts). The only place that decrypts credentials, and the only
 * writer of job and backup rows after a job is queued. A job has one owner: a process never claims a job it
 * is running, its heartbeat proves the lease still holds or stops the job, and jobs of dead runners go back
 * to the queue (interrupted-jobs.ts) with their spool directories swept.
 */
import { randomUUID } from 'node:crypto';
import type { JobRow } from '@devicevault/schema/db/tables';
import type { JobProgressEvent } from '@devicevault/schema/pubsub';
import { requeueInterruptedJobs } from './interrupted-jobs.js';
import { claimJobs, type Lease, releaseJobs, renewLease } from './job-queue.js';
import { type RunJobDeps, runJob } from './run-job.js';
import { sweepSpool } from './spool-sweep.js';

export interface JobRunnerDeps extends RunJobDeps {
  concurrency: number;
  /** How often to look for work when nobody wakes us (jobs queued by other processes, retries). */
  pollMs?: number;
  /** How long a claim lasts without a heartbeat; a dead process's jobs are retried once it passes. */
  leaseMs?: number;
  /** Jobs running at once across every process sharing the database; unlimited when unset. */
  maxConcurrentJobs?: number | null;
  /** The clock jobs are due by (tests fake it). */
  now?: () => Date;
}

export interface JobRunner {
  start(): void;
  wake(): void;
  stop(): Promise<void>;
}

interface RunnerState {
  deps: JobRunnerDeps;
  owner: string;
  leaseMs: number;
  stopping: AbortController;
  /** Jobs this process is running, by id: never claimed or requeued by it while here. */
  inFlight: Map<string, Promise<void>>;
  /**
   * Aborts a running job: a lost lease, a cancel, or the runner stopping (one controller per job rather than a
   * listener each on one shared signal).
   */
  stops: Map<string, AbortController>;
  /** The claim under way, if any: one at a time, and stop() waits for it so no job it takes stays leased. */
  claiming: Promise<void> | null;
  /** A claim for the slots jobs just freed, coalesced: a burst of endings is one claim, not one each. */
  refill: NodeJS.Timeout | undefined;
}

export function createJobRunner(deps: JobRunnerDeps): JobRunner {
  const state: RunnerState = {
    deps,
    owner: `runner-${randomUUID()}`,
    leaseMs: deps.leaseMs ?? 60_000,
    stopping: new AbortController(),
    inFlight: new Map(),
    stops: new Map(),
    claiming: null,
    refill: undefined,
  };
  let timer: NodeJS.Timeout | undefined;
  // Subscribed when the runner starts (a subscription buffers every event until it is read or returned).
  let cancelled: AsyncIterableIterator<{ jobId: string }> | undefined;
  let jobEvents: AsyncIterableIterator<JobProgressEvent> | undefined;
  let lookSoon: NodeJS.Timeout | undefined;
  return {
    start() {
      cancelled = deps.pubsub.subscribe('jobCancelled');
      // Any process's job that was queued or ended may mean work or a free slot under a cap: look (coalesced).
      jobEvents = deps.pubsub.subscribe('jobEvents');
      const cancellations = cancelled;
      const events = jobEvents;
      void (async () => {
        for await (const { jobId } of cancellations) {
          const stop = state.stops.get(jobId);
          if (!stop) continue;
          deps.log.info('job was cancelled; stopping its collection', { jobId });
          stop.abort(new Error('the job was cancelled'));
        }
      })();
      void (async () => {
        for await (const event of events) {
          if (!['queued', 'succeeded', 'failed'].includes(event.status) || lookSoon) continue;
          lookSoon = setTimeout(() => {
            lookSoon = undefined;
            void fill(state);
          }, 20);
        }
      })();
      // What a crashed predecessor left in the spool (its jobs are requeued once their leases expire).
      void sweepSpool(deps.db, deps.spoolRoot).catch((error) =>
        deps.log.error('sweeping the spool failed', { error: String(error) }),
      );
      timer = setInterval(() => void fill(state), deps.pollMs ?? 1_000);
      void fill(state);
    },
    wake() {
      void fill(state);
    },
    async stop() {
      clearInterval(timer);
      await cancelled?.return?.();
      await jobEvents?.return?.();
      clearTimeout(lookSoon);
      clearTimeout(state.refill);
      state.stopping.abort(new Error('server stopping'));
      // A claim that was under way has started its jobs (halted, as runHeld sees the runner stopping) by its end.
      await state.claiming;
      for (const halt of state.stops.values()) halt.abort(state.stopping.signal.reason);
      await Promise.allSettled([...state.inFlight.values()]);
      await releaseJobs(deps.db, state.owner).catch(() => {});
    },
  };
}

// Jobs claimed in one statement at most.
const claimBatch = 64;

/**
 * Step "claim": requeues dead runners' jobs (not on a refill after our own jobs ended: the poll and wake-ups
 * do that), then takes due jobs up to the concurrency.
 */
async function fill(state: RunnerState, options: { requeue: boolean } = { requeue: true }) {
  if (state.claiming || state.stopping.signal.aborted) return;
  state.claiming = claimUpToConcurrency(state, options).finally(() => {
    state.claiming = null;
  });
  await state.claiming;
}

async function claimUpToConcurrency(state: RunnerState, options: { requeue: boolean }) {
  const { deps, stopping, inFlight } = state;
  try {
    if (options.requeue) await requeueInterrupted(state);
    while (inFlight.size < deps.concurrency && !stopping.signal.aborted) {
      const limits = { now: deps.now?.(), maxConcurrent: deps.maxConcurrentJobs ?? null };
      // A batch per round trip: claiming one job per transaction capped a runner at a few dozen jobs a second.
      const room = Math.min(deps.concurrency - inFlight.size, claimBatch);
      const claimed = await claimJobs(deps.db, state.owner, state.leaseMs, [...inFlight.keys()], limits, room);
      if (claimed.length === 0) break;
      for (const job of claimed) {
        const running = runHeld(state, job).finally(() => {
          inFlight.delete(job.id);
          refillSoon(state);
        });
        inFlight.set(job.id, running);
      }
    }
  } catch (error) {
    deps.log.error('claiming jobs failed', { error: String(error) });
  }
}

function refillSoon(state: RunnerState) {
  if (state.refill) return;
  state.refill = setTimeout(() => {
    state.refill = undefined;
    void fill(state, { requeue: false });
  }, refillDelayMs);
}

// Long enough to gather the endings of a burst, short beside a collection.
const refillDelayMs = 10;

/** Runs a claimed job while a heartbeat keeps its lease; a lost lease stops the job. */
async function runHeld(state: RunnerState, job: JobRow) {
  const lease: Lease = { jobId: job.id, owner: state.owner, attempt: job.attempts };
  const halt = new AbortController();
  state.stops.set(job.id, halt);
  // Claimed while the runner was stopping: stop() has already aborted the jobs it saw.
  if (state.stopping.signal.aborted) halt.abort(state.stopping.signal.reason);
  const heartbeat = setInterval(() => void renew(state, lease, halt), state.leaseMs / 3);
  try {
    await runJob(state.deps, job, lease, halt.signal);
  } finally {
    clearInterval(heartbeat);
    state.stops.delete(job.id);
  }
}

async function renew(state: RunnerState, lease: Lease, halt: AbortController) {
  // A failed renewal (database briefly away) changes nothing: every write checks the lease anyway.
  const held = await renewLease(state.deps.db, lease, state.leaseMs).catch(() => true);
  if (held || halt.signal.aborted) return;
  state.deps.log.warn('job lease lost to another runner; stopping it', { jobId: lease.jobId });
  halt.abort(new Error('the job lease was lost'));
}

/** Jobs of dead runners go back to the queue (never ours: we may only have been blocked), then their spool. */
async function requeueInterrupted(state: RunnerState) {
  const { deps } = state;
  const requeued = await requeueInterruptedJobs(deps.db, [...state.inFlight.keys()]);
  for (const { jobId, deviceId, line } of requeued) {
    deps.log.warn('job interrupted: its runner stopped', { jobId, deviceId, status: line.status });
    const event = { ...line, jobId, deviceId };
    deps.pubsub.publish('jobProgress', jobId, event);
    deps.pubsub.publish('jobEvents', event);
  }
  if (requeued.length > 0) await sweepSpool(deps.db, deps.spoolRoot);
}
