/**
 * One job along the data path: load device and secrets → collect → store → record → publish → after-backup.
 * Every write names the job's lease, so a runner that lost the job (another took it while this one was
 * blocked) writes nothing, and a job ends with exactly one outcome.
 */
import { randomUUID } from 'node:crypto';
import { rm, rmdir } from 'node:fs/promises';
import { linkedSignal } from '@devicevault/plugins/runtime/abort';
import type { Database } from '@devicevault/schema/db/database';
import type { JobRow } from '@devicevault/schema/db/tables';
import type { DeviceVaultPubSub } from '@devicevault/schema/pubsub';
import type { Logger } from '../log.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { putOriginal, type StoredOriginal } from '../storage/original-store.js';
import type { StorageRegistry } from '../storage/storage-registry.js';
import { changeFacts } from './change-event.js';
import { collectArtefact, formatBytes } from './collect-step.js';
import { publishDeviceEvents } from './device-events.js';
import { recordJobFailure } from './failure-step.js';
import { createJobLog, type JobLog } from './job-log.js';
import type { Lease } from './job-queue.js';
import { collectTask, loadDevice, type PreviousVersion } from './load-device.js';
import type { FirstHostKey } from './outcome-facts.js';
import type { CollectPool } from './pool.js';
import { recordSuccess } from './record-success.js';
import { applyRulesAndCheck } from './rules-step.js';
import { spoolDirFor } from './spool-sweep.js';
import { storeArtefact } from './store-step.js';

export interface RunJobDeps {
  db: Database;
  pool: CollectPool;
  storage: StorageRegistry;
  secrets: SecretBox;
  pubsub: DeviceVaultPubSub;
  log: Logger;
  spoolRoot: string;
  defaultTimeoutSeconds: number;
  maxTextBytes: number;
  /** A text version this many percent smaller than the previous fails as `suspect_output` (collection groups may override). */
  maxShrinkPercent?: number;
  /** Told after a version is recorded for a device a retention policy applies to (the pruner). */
  afterBackup?: (deviceId: string) => void;
  /** The first retry's delay after a transient failure (doubles per attempt); default 30 s. */
  retryBaseMs?: number;
}

/** Runs one claimed job to its end; `halt` aborts when the server stops or the lease was lost. */
export async function runJob(deps: RunJobDeps, job: JobRow, lease: Lease, halt: AbortSignal): Promise<void> {
  const log = createJobLog(deps, job, lease);
  // The claim wrote the job's "Collecting …" line under our lease; every later write checks the lease.
  const claimed = job.log.at(-1);
  if (claimed?.status === 'running' && claimed.attempt === lease.attempt) log.publish(claimed);
  const spoolDir = spoolDirFor(deps.spoolRoot, lease);
  // The first host key a device shows is pinned (trust on first use) by the statement that records the job's
  // outcome: with the version on success, with the failure otherwise.
  let firstHostKey: FirstHostKey | null = null;
  // Whether anything may be in the spool directory: not after a text collected in memory with no original, the
  // usual case, whose rmdir would only fail with ENOENT (an error object with its stack: 0.1 ms of a job's CPU).
  let spooled = true;
  try {
    const target = await loadDevice(deps.db, job.deviceId, deps.defaultTimeoutSeconds);
    const { device } = target;
    // The worker's own deadline fires first; this is the hard stop for a worker that ignores it.
    const hardStop = linkedSignal([halt], target.timeoutMs + 5_000);
    const collected = await collectArtefact(deps.pool, collectTask(job.id, target, { ...deps, spoolDir }), {
      signal: hardStop.signal,
      onLine: (text) => log.progress(text),
    }).finally(hardStop.dispose);
    if (halt.aborted) return;
    if (collected.hostKeyFingerprint && !device.hostKeyFingerprint)
      firstHostKey = { fingerprint: collected.hostKeyFingerprint, host: device.host, port: device.port };
    const prepared = await applyRulesAndCheck(deps, target, collected);
    spooled = collected.spoolPath !== undefined || Boolean(prepared.original);
    const kind = prepared.isBinary ? 'binary' : 'text';
    const storing = `Storing ${formatBytes(prepared.size)} (${kind})`;
    // A small artefact bound for the fs store is stored in milliseconds, so its line goes with the final one: one
    // write less per job. Bytes a runner stores after losing its lease are then an unreferenced blob, which the
    // store's garbage collector removes. A large artefact shows "storing" while it takes a while, and a git
    // commit is for good: both check the lease first.
    const quick =
      prepared.size <= storedQuietlyUpTo && deps.storage.forLocationRow(target.location).store.kind === 'fs';
    if (quick) log.stage('storing', storing);
    else if (!(await log.add('storing', storing))) return;
    if (halt.aborted) return;
    const stored = await storeArtefact(deps, target, job.id, prepared);
    // The restorable original goes encrypted to a store of its own; its row is written with the version.
    const original = prepared.original
      ? await putOriginal(deps, prepared.original, { spoolDir, device, jobId: job.id })
      : null;
    const recorded = await recordAndPublish(deps, job, lease, log, {
      stored: { ...stored, previous: target.previous },
      original,
      firstHostKey,
    });
    if (recorded && target.retentionPolicyId) deps.afterBackup?.(device.id);
  } catch (error) {
    spooled = true;
    if (halt.aborted) return;
    // A failure after a success had recorded the job writes nothing (its lease is gone), the pin included.
    await recordJobFailure(deps, job, lease, log, error, firstHostKey);
  } finally {
    if (spooled) await removeSpoolDir(spoolDir);
  }
}

/**
 * Usually one rmdir ends it: a binary's file or an original has moved into its store (an empty directory is
 * left), or nothing was spooled after all (ENOENT). A file left behind (a failure, a git store's copy) takes rm's walk.
 */
async function removeSpoolDir(spoolDir: string) {
  const code = await rmdir(spoolDir).then(
    () => null,
    (error: NodeJS.ErrnoException) => error.code,
  );
  if (code && code !== 'ENOENT') await rm(spoolDir, { recursive: true, force: true });
}

// Written in milliseconds by the fs store, text or binary (a text config is a few hundred KB at most).
const storedQuietlyUpTo = 1024 * 1024;

/** Steps "record" and "publish" (record-success.ts): the version and everything that goes with it, then its lines and events. */
async function recordAndPublish(
  deps: RunJobDeps,
  job: JobRow,
  lease: Lease,
  log: JobLog,
  outcome: {
    stored: Awaited<ReturnType<typeof storeArtefact>> & { previous: PreviousVersion | null };
    original: StoredOriginal | null;
    firstHostKey: FirstHostKey | null;
  },
): Promise<boolean> {
  const { stored, original, firstHostKey } = outcome;
  const backupId = randomUUID();
  const { changed } = stored.version;
  // Lines still waiting (the last progress, a staged "storing") are stored with the final one.
  const waiting = await log.takeWaiting();
  const line = log.next('succeeded', changed ? 'Stored a new version' : 'Unchanged since the previous version', {
    backupId,
  });
  const lines = [...waiting, line];
  const version = { ...stored.version, id: backupId, jobId: job.id, changedBy: job.changedBy };
  const facts = { deviceId: job.deviceId, jobId: job.id, backupId, changedBy: job.changedBy };
  const recorded = await recordSuccess(deps.db, {
    lease,
    lines,
    version,
    texts: stored.texts,
    original,
    firstHostKey,
    // A device's first version is not a change (its jobs run one at a time: see claimJobs).
    change: changed && stored.previous ? changeFacts(facts, stored) : null,
  }).catch((error: unknown) => {
    // The failure's statement stores them instead (recordJobFailure).
    log.putBack(waiting);
    throw error;
  });
  if (!recorded) {
    deps.log.warn('job finished after another runner took it; nothing recorded', { jobId: job.id });
    return false;
  }
  for (const written of lines) log.publish(written);
  publishDeviceEvents(deps.pubsub, recorded.events);
  deps.log.info('job succeeded', { jobId: job.id, deviceId: job.deviceId, changed, size: recorded.row.size });
  return true;
}
