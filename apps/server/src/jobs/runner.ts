/**
 * Claims queued jobs and carries each through collect → store → record → publish. The only place
 * that decrypts credentials, and the only writer of job and backup rows after a job is queued.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CollectErrorCode } from '@devicevault/plugins/errors';
import type { Database } from '@devicevault/schema/db/database';
import {
  type BackupRow,
  backups,
  collectionGroups,
  credentials,
  devices,
  type JobLogLine,
  type JobRow,
  type JobStatus,
} from '@devicevault/schema/db/tables';

type NewBackupRow = typeof backups.$inferInsert;
type Collected = Extract<CollectOutcome, { ok: true }>;

import type { DeviceVaultPubSub } from '@devicevault/schema/pubsub';
import { eq, sql } from 'drizzle-orm';
import type { Logger } from '../log.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { StoredObject } from '../storage/backup-store.js';
import type { StorageRegistry } from '../storage/storage-registry.js';
import { insertTextContents, type TextContent } from '../storage/text-contents.js';
import type { CollectOutcome } from './collect-task.js';
import { appendJobLog, claimNextJob, nextSeq, releaseJobs, renewLease } from './job-queue.js';
import type { CollectPool } from './pool.js';

export interface JobRunnerDeps {
  db: Database;
  pool: CollectPool;
  storage: StorageRegistry;
  /** Called after a version was recorded (the pruner enforces retention for the device). */
  afterBackup?: (deviceId: string) => void;
  secrets: SecretBox;
  pubsub: DeviceVaultPubSub;
  log: Logger;
  spoolRoot: string;
  concurrency: number;
  defaultTimeoutSeconds: number;
  maxTextBytes: number;
  /** How often to look for work when nobody wakes us (jobs queued by other processes, retries). */
  pollMs?: number;
  leaseMs?: number;
}

export interface JobRunner {
  start(): void;
  wake(): void;
  stop(): Promise<void>;
}

class JobFailure extends Error {
  constructor(
    readonly code: CollectErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function createJobRunner(deps: JobRunnerDeps): JobRunner {
  const owner = `runner-${randomUUID()}`;
  const leaseMs = deps.leaseMs ?? 60_000;
  const stopping = new AbortController();
  const active = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let claiming = false;

  async function fill() {
    if (claiming || stopping.signal.aborted) return;
    claiming = true;
    try {
      while (active.size < deps.concurrency && !stopping.signal.aborted) {
        const job = await claimNextJob(deps.db, owner, leaseMs);
        if (!job) break;
        const running = runJob(job).finally(() => {
          active.delete(running);
          void fill();
        });
        active.add(running);
      }
    } catch (error) {
      deps.log.error('claiming jobs failed', { error: String(error) });
    } finally {
      claiming = false;
    }
  }

  async function runJob(job: JobRow) {
    let seq = nextSeq(job);
    // Progress lines are recorded without awaiting; chaining keeps a job's lines stored and published in
    // seq order, which subscribers rely on (they drop anything at or below the last seq they saw).
    let recorded: Promise<void> = Promise.resolve();
    function record(status: JobStatus, message: string, patch: Partial<JobRow> = {}, extra: Partial<JobLogLine> = {}) {
      const line: JobLogLine = { seq: seq++, at: new Date().toISOString(), status, message, ...extra };
      const next = recorded.then(async () => {
        await appendJobLog(deps.db, job.id, line, patch);
        publish(line);
      });
      recorded = next.catch(() => {});
      return next;
    }
    function publish(line: JobLogLine) {
      const event = { ...line, jobId: job.id, deviceId: job.deviceId };
      deps.pubsub.publish('jobProgress', job.id, event);
      deps.pubsub.publish('jobEvents', event);
    }

    const spoolDir = join(deps.spoolRoot, job.id);
    const heartbeat = setInterval(() => void renewLease(deps.db, job.id, owner, leaseMs).catch(() => {}), leaseMs / 3);
    try {
      if (job.attempts > job.maxAttempts) {
        throw new JobFailure(
          'worker_died',
          `gave up after ${job.maxAttempts} attempt(s): the process running it stopped`,
        );
      }
      const [device] = await deps.db.select().from(devices).where(eq(devices.id, job.deviceId));
      if (!device) throw new JobFailure('invalid_options', 'the device no longer exists');
      if (!device.enabled) throw new JobFailure('aborted', 'the device was disabled after this job was queued');
      const [credential] = device.credentialId
        ? await deps.db.select().from(credentials).where(eq(credentials.id, device.credentialId))
        : [];
      // The collection group's timeout wins; devices outside any group use the server default.
      const [group] = device.collectionGroupId
        ? await deps.db
            .select({ timeoutSeconds: collectionGroups.timeoutSeconds })
            .from(collectionGroups)
            .where(eq(collectionGroups.id, device.collectionGroupId))
        : [];
      const timeoutMs = (group?.timeoutSeconds ?? deps.defaultTimeoutSeconds) * 1000;
      await record('running', `Collecting ${device.name} (${device.host}:${device.port}) with ${device.pluginKey}`);
      await mkdir(spoolDir, { recursive: true });

      let lastProgress = 0;
      const outcome = await deps.pool.run(
        {
          jobId: job.id,
          pluginKey: device.pluginKey,
          target: {
            host: device.host,
            port: device.port,
            username: credential?.username ?? '',
            password: credential ? deps.secrets.decrypt(credential.secretCiphertext) : '',
            enablePassword: credential?.enableSecretCiphertext
              ? deps.secrets.decrypt(credential.enableSecretCiphertext)
              : undefined,
            hostKeyFingerprint: device.hostKeyFingerprint,
            options: device.pluginOptions,
          },
          timeouts: {
            connectMs: Math.min(timeoutMs, 15_000),
            idleMs: Math.min(timeoutMs, 30_000),
            overallMs: timeoutMs,
          },
          maxTextBytes: deps.maxTextBytes,
          scrubSecrets: device.scrubSecrets,
          spoolDir,
        },
        {
          // The worker's own deadline fires first; this is the hard stop for a worker that ignores it.
          signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(timeoutMs + 5_000)]),
          onProgress: (progress) => {
            const now = Date.now();
            if (!progress.message && now - lastProgress < 1_000) return;
            lastProgress = now;
            const text =
              progress.message ??
              `Received ${formatBytes(progress.bytes ?? 0)}${progress.totalBytes ? ` of ${formatBytes(progress.totalBytes)}` : ''}`;
            void record('running', text).catch(() => {});
          },
        },
      );
      if (stopping.signal.aborted) return;
      if (!outcome.ok) throw new JobFailure(outcome.code, outcome.message);

      if (outcome.hostKeyFingerprint && !device.hostKeyFingerprint) {
        await deps.db
          .update(devices)
          .set({ hostKeyFingerprint: outcome.hostKeyFingerprint })
          .where(eq(devices.id, device.id));
      }
      await record('storing', `Storing ${formatBytes(outcome.size)} (${outcome.isBinary ? 'binary' : 'text'})`);
      const [previous] = await deps.db
        .select()
        .from(backups)
        .where(eq(backups.deviceId, device.id))
        .orderBy(sql`${backups.createdAt} desc nulls last`, sql`${backups.id} desc nulls last`)
        .limit(1);
      const changed = !previous || !sameVersion(previous, outcome);
      const backupId = randomUUID();
      // Unchanged (byte-equal, or equal in the significant view): point at the previous version's bytes.
      let version: Omit<NewBackupRow, 'id' | 'deviceId' | 'jobId' | 'changed'>;
      let texts: TextContent[] = [];
      if (previous && !changed) {
        version = {
          isBinary: previous.isBinary,
          sha256: previous.sha256,
          size: previous.size,
          storageKind: previous.storageKind,
          storageRef: previous.storageRef,
          storageLocationId: previous.storageLocationId,
          significantSha256: outcome.significantSha256 ?? null,
        };
      } else {
        texts = outcome.isBinary ? [] : await readTexts(outcome);
        let target: Awaited<ReturnType<StorageRegistry['forDevice']>>;
        let stored: StoredObject;
        try {
          target = await deps.storage.forDevice(device);
          stored = await target.store.put({ ...outcome, deviceId: device.id, deviceName: device.name, jobId: job.id });
        } catch (error) {
          throw new JobFailure('storage_failed', `could not store the backup: ${(error as Error).message}`);
        }
        version = {
          isBinary: outcome.isBinary,
          sha256: outcome.sha256,
          size: outcome.size,
          storageKind: stored.kind,
          storageRef: stored.ref,
          storageLocationId: target.locationId,
          significantSha256: outcome.significantSha256 ?? null,
        };
      }
      await recorded;
      const line: JobLogLine = {
        seq: seq++,
        at: new Date().toISOString(),
        status: 'succeeded',
        message: changed ? 'Stored a new version' : 'Unchanged since the previous version',
        backupId,
      };
      await deps.db.transaction(async (tx) => {
        await tx.insert(backups).values({ id: backupId, deviceId: device.id, jobId: job.id, changed, ...version });
        await insertTextContents(tx, texts);
        await appendJobLog(tx, job.id, line, {
          backupId,
          finishedAt: new Date(),
          leaseOwner: null,
          leaseExpiresAt: null,
        });
      });
      publish(line);
      deps.log.info('job succeeded', { jobId: job.id, deviceId: device.id, changed, size: outcome.size });
      deps.afterBackup?.(device.id);
    } catch (error) {
      if (stopping.signal.aborted) return;
      const failure =
        error instanceof JobFailure ? error : new JobFailure('plugin_error', `unexpected failure: ${String(error)}`);
      deps.log.warn('job failed', { jobId: job.id, deviceId: job.deviceId, code: failure.code });
      await record(
        'failed',
        failure.message,
        {
          errorCode: failure.code,
          errorMessage: failure.message,
          finishedAt: new Date(),
          leaseOwner: null,
          leaseExpiresAt: null,
        },
        { errorCode: failure.code },
      ).catch((recordError) =>
        deps.log.error('recording a failure failed', { jobId: job.id, error: String(recordError) }),
      );
    } finally {
      clearInterval(heartbeat);
      await rm(spoolDir, { recursive: true, force: true });
    }
  }

  return {
    start() {
      timer = setInterval(() => void fill(), deps.pollMs ?? 1_000);
      void fill();
    },
    wake() {
      void fill();
    },
    async stop() {
      clearInterval(timer);
      stopping.abort(new Error('server stopping'));
      await Promise.allSettled([...active]);
      await releaseJobs(deps.db, owner).catch(() => {});
    },
  };
}

/** Byte-equal, or equal in the plugin's significant-changes view when both versions have one. */
function sameVersion(previous: BackupRow, outcome: Collected): boolean {
  if (previous.isBinary !== outcome.isBinary) return false;
  if (previous.sha256 === outcome.sha256) return true;
  return Boolean(outcome.significantSha256) && previous.significantSha256 === outcome.significantSha256;
}

/** The config text (and its significant view) for `text_contents`, read before the store moves the spool file. */
async function readTexts(outcome: Collected): Promise<TextContent[]> {
  const texts: TextContent[] = [{ sha256: outcome.sha256, content: await readFile(outcome.spoolPath, 'utf8') }];
  if (outcome.significantSpoolPath && outcome.significantSha256 && outcome.significantSha256 !== outcome.sha256) {
    texts.push({ sha256: outcome.significantSha256, content: await readFile(outcome.significantSpoolPath, 'utf8') });
  }
  return texts;
}

function formatBytes(bytes: number) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
