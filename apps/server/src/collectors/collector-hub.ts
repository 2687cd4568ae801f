/**
 * The server's side of remote collectors (`devicevault collector`). A collector claims its zone's jobs through
 * here; each claimed job runs through run-job.ts exactly as the local runner runs it, except that its pool is
 * the remote collector: the task (with the decrypted credential) goes out in the claim's answer, and the
 * outcome comes back with the artefact streamed into the job's spool directory. Loading secrets, storing and
 * recording stay on the server, under the same lease checks, so the server stays the only writer.
 *
 * The lease is the job row's (owner `collector-<id>-<process>`); the collector renews it. A collector that stops
 * renewing loses its jobs when the lease expires: its run here ends writing nothing, and the local runner's
 * requeue puts the job back in the queue (not counted as an attempt), as for any dead process.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CollectErrorCode } from '@devicevault/plugins/errors';
import { collectErrorCodes } from '@devicevault/plugins/errors';
import { type JobRow, jobs } from '@devicevault/schema/db/tables';
import { eq } from 'drizzle-orm';
import type { CollectedBytes, CollectOutcome, CollectProgressMessage, CollectTask } from '../jobs/collect-task.js';
import { claimJobs, type Lease, releaseJobs, renewLease } from '../jobs/job-queue.js';
import type { CollectPool } from '../jobs/pool.js';
import { type RunJobDeps, runJob } from '../jobs/run-job.js';

/** A collector as its token identifies it. */
export interface CollectorIdentity {
  id: string;
  name: string;
  zoneId: string;
}

/** What a collector gets for one job: the worker task without the server's spool directory. */
export type RemoteTask = Omit<CollectTask, 'progressPort' | 'spoolDir'> & { attempt: number };

/** The files a collector may upload for a job. */
export const artefactNames = ['artefact', 'significant'] as const;
export type ArtefactName = (typeof artefactNames)[number];

/** A collector's report of a finished collection (the spool paths are the server's, from the uploads). */
export type RemoteOutcome =
  | {
      ok: true;
      isBinary: boolean;
      sha256: string;
      size: number;
      significantSha256?: string;
      hasSignificant?: boolean;
      hostKeyFingerprint?: string;
      originalText?: string;
    }
  | { ok: false; code: string; message: string };

export interface CollectorHubDeps extends RunJobDeps {
  leaseMs: number;
  /** The largest file a collector may upload for a job (bigger ones fail the upload, 413). */
  maxUploadBytes: number;
  maxConcurrentJobs?: number | null;
  now?: () => Date;
}

export interface CollectorHub {
  /** Claims up to `room` due jobs of the collector's zone, waiting up to `waitMs` for one. */
  claim(collector: CollectorIdentity, room: number, waitMs: number, signal: AbortSignal): Promise<RemoteTask[]>;
  /** Extends the leases of the collector's jobs; returns the ones it no longer holds (it must stop them). */
  renew(collector: CollectorIdentity, jobIds: readonly string[], lines?: Record<string, string[]>): Promise<string[]>;
  /**
   * Streams one uploaded file into the job's spool directory; null when the job is not the collector's. Throws
   * UploadTooLarge past `maxUploadBytes` (the partial file stays in the spool directory the run removes).
   */
  receive(
    collector: CollectorIdentity,
    jobId: string,
    name: ArtefactName,
    body: Readable,
  ): Promise<{ sha256: string; size: number } | null>;
  /** Hands the collector's outcome to the job's run and waits for it to end; null when not the collector's. */
  finish(
    collector: CollectorIdentity,
    jobId: string,
    outcome: RemoteOutcome,
    lines: readonly string[],
  ): Promise<{ status: string; errorCode: string | null } | null>;
  /**
   * Stops a collector's jobs here at once and gives them back to the queue (not counted as attempts): its token
   * was revoked (all of them), or one of its processes is shutting down (`jobIds`: that process's jobs only).
   */
  giveBack(collectorId: string, jobIds?: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

interface RemoteJob {
  collectorId: string;
  lease: Lease;
  spoolDir: string | null;
  /** Aborts the job's run: a lost or expired lease, a revoked collector, a cancel or the server stopping. */
  halt: AbortController;
  leaseTimer: NodeJS.Timeout | undefined;
  onProgress: ((progress: CollectProgressMessage) => void) | null;
  deliverOutcome: ((outcome: CollectOutcome) => void) | null;
  files: Map<ArtefactName, { path: string; sha256: string; size: number }>;
  done: Promise<void>;
}

// Jobs claimed in one statement at most (as the local runner).
const claimBatch = 64;

export function createCollectorHub(deps: CollectorHubDeps): CollectorHub {
  const owner = `collector-${randomUUID()}`;
  const held = new Map<string, RemoteJob>();
  const stopping = new AbortController();
  const waiters = new Set<() => void>();
  // What stop() waits for and gives back: claims under way, and the lease owners this hub has claimed as.
  const claimsUnderWay = new Set<Promise<unknown>>();
  const leaseOwners = new Set<string>();
  const jobEvents = deps.pubsub.subscribe('jobEvents');
  const cancelled = deps.pubsub.subscribe('jobCancelled');
  void (async () => {
    for await (const event of jobEvents) {
      if (event.status !== 'queued') continue;
      for (const wake of waiters) wake();
    }
  })();
  void (async () => {
    for await (const { jobId } of cancelled) held.get(jobId)?.halt.abort(new Error('the job was cancelled'));
  })();

  function ownerOf(collector: CollectorIdentity) {
    return `${owner}-${collector.id}`;
  }

  function heldBy(collector: CollectorIdentity, jobId: string): RemoteJob | null {
    const job = held.get(jobId);
    return job && job.collectorId === collector.id && !job.halt.signal.aborted ? job : null;
  }

  /** The lease runs out here when the collector stops renewing it (the row's lease expires at the same time). */
  function armLease(job: RemoteJob) {
    clearTimeout(job.leaseTimer);
    job.leaseTimer = setTimeout(() => {
      deps.log.warn('remote collector stopped renewing a job; its lease expired', { jobId: job.lease.jobId });
      job.halt.abort(new Error('the collector’s lease expired'));
    }, deps.leaseMs);
  }

  /** Starts a claimed job's run; resolves with its task once the run asks the "pool", or null if it ended first. */
  function start(collector: CollectorIdentity, row: JobRow): Promise<RemoteTask | null> {
    const lease: Lease = { jobId: row.id, owner: ownerOf(collector), attempt: row.attempts };
    let deliverTask: (task: RemoteTask | null) => void = () => {};
    const task = new Promise<RemoteTask | null>((resolve) => {
      deliverTask = resolve;
    });
    const job: RemoteJob = {
      collectorId: collector.id,
      lease,
      spoolDir: null,
      halt: new AbortController(),
      leaseTimer: undefined,
      onProgress: null,
      deliverOutcome: null,
      files: new Map(),
      done: Promise.resolve(),
    };
    const pool: CollectPool = {
      async run(collectTask, { signal, onProgress }) {
        const { progressPort: _port, spoolDir, ...rest } = collectTask as CollectTask;
        // The uploads land here: made before the task is handed out and removed by the run, so an upload arriving
        // after the run ended finds no directory instead of making one nobody removes.
        const stopped = (): CollectOutcome => ({
          ok: false,
          code: 'timeout',
          message: `collection stopped (${String(signal.reason)})`,
        });
        // Halted before it was handed out (cancelled, the server stopping): the collector never gets its
        // credentials, and its claim gets no task for it.
        if (signal.aborted) return stopped();
        await mkdir(spoolDir, { recursive: true });
        if (signal.aborted) return stopped();
        job.spoolDir = spoolDir;
        job.onProgress = onProgress;
        deliverTask({ ...rest, attempt: lease.attempt });
        return new Promise<CollectOutcome>((resolve) => {
          job.deliverOutcome = resolve;
          if (signal.aborted) resolve(stopped());
          else signal.addEventListener('abort', () => resolve(stopped()), { once: true });
        });
      },
      close: async () => {},
    };
    held.set(row.id, job);
    // Claimed while the server was stopping: stop() has already halted the jobs it saw.
    if (stopping.signal.aborted) job.halt.abort(stopping.signal.reason);
    armLease(job);
    job.done = runJob({ ...deps, pool }, row, lease, job.halt.signal)
      .catch((error) => deps.log.error('remote job run failed', { jobId: row.id, error: String(error) }))
      .finally(() => {
        clearTimeout(job.leaseTimer);
        held.delete(row.id);
        deliverTask(null);
      });
    return task;
  }

  function waitForWork(ms: number, signal: AbortSignal) {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  async function claimFor(
    collector: CollectorIdentity,
    room: number,
    waitMs: number,
    signal: AbortSignal,
  ): Promise<RemoteTask[]> {
    const deadline = Date.now() + waitMs;
    const gone = AbortSignal.any([signal, stopping.signal]);
    leaseOwners.add(ownerOf(collector));
    while (!gone.aborted) {
      const take = Math.min(Math.max(0, room), claimBatch);
      const limits = { now: deps.now?.(), maxConcurrent: deps.maxConcurrentJobs ?? null, zoneId: collector.zoneId };
      const rows =
        take > 0 ? await claimJobs(deps.db, ownerOf(collector), deps.leaseMs, [...held.keys()], limits, take) : [];
      if (rows.length > 0) {
        const tasks = (await Promise.all(rows.map((row) => start(collector, row)))).filter(
          (task): task is RemoteTask => task !== null,
        );
        if (tasks.length > 0) return tasks;
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      // Woken by a queued job; the poll catches retries that come due and jobs other processes queued.
      await waitForWork(Math.min(left, 1_000), gone);
    }
    return [];
  }

  return {
    claim(collector, room, waitMs, signal) {
      const claiming = claimFor(collector, room, waitMs, signal);
      claimsUnderWay.add(claiming);
      return claiming.finally(() => claimsUnderWay.delete(claiming));
    },

    async renew(collector, jobIds, lines = {}) {
      const lost: string[] = [];
      await Promise.all(
        jobIds.map(async (jobId) => {
          const job = heldBy(collector, jobId);
          if (!job) return lost.push(jobId);
          for (const message of lines[jobId] ?? []) job.onProgress?.({ message });
          // A failed renewal (database briefly away) changes nothing: every write checks the lease anyway.
          const ok = await renewLease(deps.db, job.lease, deps.leaseMs).catch(() => true);
          if (!ok) {
            job.halt.abort(new Error('the job lease was lost'));
            return lost.push(jobId);
          }
          armLease(job);
        }),
      );
      return lost;
    },

    async receive(collector, jobId, name, body) {
      const job = heldBy(collector, jobId);
      if (!job?.spoolDir) return null;
      const path = join(job.spoolDir, `remote-${name}${name === 'significant' ? '.significant.txt' : ''}`);
      const hash = createHash('sha256');
      let size = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          if (size > deps.maxUploadBytes) return callback(new UploadTooLarge(deps.maxUploadBytes));
          hash.update(chunk);
          callback(null, chunk);
        },
      });
      // Streamed to disk as it arrives, never whole in memory; a dropped upload leaves a file the run removes.
      await pipeline(body, tap, createWriteStream(path, { flags: 'w', mode: 0o600 }), { signal: job.halt.signal });
      const file = { path, sha256: hash.digest('hex'), size };
      job.files.set(name, file);
      return { sha256: file.sha256, size };
    },

    async finish(collector, jobId, outcome, lines) {
      const job = heldBy(collector, jobId);
      if (!job?.deliverOutcome) return null;
      for (const message of lines) job.onProgress?.({ message });
      job.deliverOutcome(checkedOutcome(job, outcome, deps.maxTextBytes));
      await job.done;
      const [row] = await deps.db
        .select({ status: jobs.status, errorCode: jobs.errorCode })
        .from(jobs)
        .where(eq(jobs.id, jobId));
      return row ?? { status: 'failed', errorCode: null };
    },

    async giveBack(collectorId, jobIds) {
      const gone = [...held.values()].filter(
        (job) => job.collectorId === collectorId && (!jobIds || jobIds.includes(job.lease.jobId)),
      );
      for (const job of gone) job.halt.abort(new Error('the collector gave its jobs back'));
      // The runs end writing nothing (their halt is aborted); then the jobs go back to the queue at once rather
      // than after their lease: another collector of the zone (or this one under a new token) retries them.
      await Promise.allSettled(gone.map((job) => job.done));
      const ids = gone.map((job) => job.lease.jobId);
      if (ids.length > 0) await releaseJobs(deps.db, `${owner}-${collectorId}`, ids).catch(() => {});
    },

    async stop() {
      stopping.abort(new Error('server stopping'));
      for (const job of held.values()) job.halt.abort(stopping.signal.reason);
      for (const wake of waiters) wake();
      await jobEvents.return?.();
      await cancelled.return?.();
      // A claim under way starts its jobs halted (start() sees the hub stopping) and ends with their runs.
      await Promise.allSettled([...claimsUnderWay]);
      await Promise.allSettled([...held.values()].map((job) => job.done));
      // Gives back every job this hub still leases, at once (as the local runner does on shutdown), rather than
      // when its lease expires: all their runs have ended.
      for (const leaseOwner of leaseOwners) await releaseJobs(deps.db, leaseOwner).catch(() => {});
    },
  };
}

export class UploadTooLarge extends Error {
  constructor(limit: number) {
    super(`the upload is over the ${limit}-byte limit`);
  }
}

const knownCodes: ReadonlySet<string> = new Set(collectErrorCodes);

/** The collector's outcome with the server's own files: its claims about the bytes must match what arrived. */
function checkedOutcome(job: RemoteJob, outcome: RemoteOutcome, maxTextBytes: number): CollectOutcome {
  if (!outcome.ok) {
    const code = (knownCodes.has(outcome.code) ? outcome.code : 'plugin_error') as CollectErrorCode;
    return { ok: false, code, message: String(outcome.message).slice(0, 2_000) };
  }
  const artefact = job.files.get('artefact');
  if (!artefact || artefact.sha256 !== outcome.sha256 || artefact.size !== outcome.size) {
    return { ok: false, code: 'connection_dropped', message: 'the collector’s upload did not arrive whole' };
  }
  // The collector's worker checks the cap too; the server, which reads text versions whole, doesn't rely on it.
  if (!outcome.isBinary && artefact.size > maxTextBytes) {
    return {
      ok: false,
      code: 'output_too_large',
      message: `text output is ${artefact.size} bytes, over the ${maxTextBytes}-byte cap (DEVICEVAULT_MAX_TEXT_BYTES)`,
    };
  }
  const significant = outcome.hasSignificant ? job.files.get('significant') : undefined;
  if (significant && significant.size > maxTextBytes) {
    return { ok: false, code: 'output_too_large', message: 'the significant view is over the text cap' };
  }
  if (outcome.hasSignificant && significant?.sha256 !== outcome.significantSha256) {
    return { ok: false, code: 'connection_dropped', message: 'the collector’s upload did not arrive whole' };
  }
  const bytes: CollectedBytes = outcome.isBinary
    ? { isBinary: true, spoolPath: artefact.path }
    : { isBinary: false, spoolPath: artefact.path, significantSpoolPath: significant?.path };
  return {
    ok: true,
    ...bytes,
    sha256: artefact.sha256,
    size: artefact.size,
    // Only a view that arrived counts: a hash with no upload behind it would decide "unchanged" on its own word.
    significantSha256: outcome.isBinary ? undefined : significant?.sha256,
    hostKeyFingerprint: outcome.hostKeyFingerprint,
    originalText: outcome.originalText,
  };
}
