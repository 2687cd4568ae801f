/**
 * A success is recorded by one statement (a transaction only when a change event goes with it), every write
 * of which holds only while the job is still ours: the version, its texts, the job's lines, the device's state
 * and first host key, a recovery event and a restorable original's row. Against a bare database, both paths
 * (the statement prepared once, and the same statement in a transaction with the change event). A failure's
 * first host key is pinned the same way: with its line, only while the job is ours.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Database } from '@devicevault/schema/db/database';
import {
  backupOriginals,
  backups,
  devices,
  events,
  type JobLogLine,
  jobs,
  textContents,
} from '@devicevault/schema/db/tables';
import type { PubSubEvents } from '@devicevault/schema/pubsub';
import { eq, inArray, sql } from 'drizzle-orm';
import { createPubSub } from 'graphql-yoga';
import type { OpenDatabase } from '../src/db/open-database.js';
import type { ChangeFacts } from '../src/jobs/change-event.js';
import { recordJobFailure } from '../src/jobs/failure-step.js';
import { requeueInterruptedJobs } from '../src/jobs/interrupted-jobs.js';
import { JobFailure } from '../src/jobs/job-failure.js';
import { createJobLog } from '../src/jobs/job-log.js';
import { claimNextJob, type Lease } from '../src/jobs/job-queue.js';
import { recordSuccess, type Success } from '../src/jobs/record-success.js';
import { createLogger } from '../src/log.js';
import { openTestDatabase } from './support/test-database.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('recording a success', () => {
  let database: OpenDatabase;
  let db: Database;
  let closeDatabase: () => Promise<void>;

  before(async () => {
    ({ database, close: closeDatabase } = await openTestDatabase('dv-record-success-'));
    db = database.db as Database;
  });

  after(() => closeDatabase());

  /** A device in FAILING state (so a success is a recovery) with no pinned host key. */
  async function failingDevice(): Promise<string> {
    const [device] = await db
      .insert(devices)
      .values({ name: `dev-${randomUUID()}`, host: '192.0.2.7', port: 22, pluginKey: 'noop' })
      .returning();
    await db.update(devices).set({ backupState: 'FAILING', consecutiveFailures: 3 }).where(eq(devices.id, device!.id));
    return device!.id;
  }

  async function claimedJob(deviceId: string, owner: string): Promise<Lease> {
    const [job] = await db.insert(jobs).values({ deviceId }).returning();
    const claimed = await claimNextJob(db, owner, 60_000, []);
    assert.equal(claimed?.id, job!.id);
    return { jobId: job!.id, owner, attempt: claimed!.attempts };
  }

  /** The job taken over by another runner: the first lease is lost. */
  async function takenOver(lease: Lease): Promise<Lease> {
    await db.execute(sql`update jobs set lease_expires_at = now() - interval '1 second' where id = ${lease.jobId}`);
    await requeueInterruptedJobs(db, []);
    const again = await claimNextJob(db, 'runner-b', 60_000, []);
    assert.equal(again?.id, lease.jobId);
    return { jobId: lease.jobId, owner: 'runner-b', attempt: again!.attempts };
  }

  function success(deviceId: string, lease: Lease, text: string, change: ChangeFacts | null = null): Success {
    const backupId = randomUUID();
    const line: JobLogLine = { seq: 50, at: new Date().toISOString(), status: 'succeeded', message: 'Stored' };
    const significant = `${text}\n(significant)`;
    return {
      lease,
      lines: [line],
      version: {
        id: backupId,
        deviceId,
        jobId: lease.jobId,
        isBinary: false,
        sha256: sha256(text),
        size: text.length,
        storageKind: 'fs',
        storageRef: sha256(text),
        significantSha256: sha256(significant),
        changed: true,
        changedBy: 'alice',
      },
      texts: [
        { sha256: sha256(text), content: text },
        { sha256: sha256(significant), content: significant },
      ],
      original: { storageRef: `original-${backupId}`, size: 42, plaintextMac: `mac-${backupId}` },
      firstHostKey: { fingerprint: 'SHA256:first', host: '192.0.2.7', port: 22 },
      change: change && { ...change, backupId, jobId: lease.jobId },
    };
  }

  async function written(deviceId: string, shas: string[]) {
    const [device] = await db.select().from(devices).where(eq(devices.id, deviceId));
    return {
      versions: (await db.select().from(backups).where(eq(backups.deviceId, deviceId))).length,
      texts: (await db.select().from(textContents).where(inArray(textContents.sha256, shas))).length,
      originals: (
        await db
          .select()
          .from(backupOriginals)
          .innerJoin(backups, eq(backups.id, backupOriginals.backupId))
          .where(eq(backups.deviceId, deviceId))
      ).length,
      events: (await db.select().from(events).where(eq(events.deviceId, deviceId))).map((event) => event.kind).sort(),
      state: device!.backupState,
      hostKey: device!.hostKeyFingerprint,
    };
  }

  /** The same success without texts (a binary), an original or a host key to pin: the other statement shape. */
  function bare(full: Success): Success {
    return { ...full, version: { ...full.version, isBinary: true }, texts: [], original: null, firstHostKey: null };
  }

  const cases = [
    ['prepared statement', 'texts, original and host key'],
    ['prepared statement', 'a binary alone'],
    ['transaction with a change event', 'texts, original and host key'],
    ['transaction with a change event', 'a binary alone'],
  ] as const;
  for (const [path, shape] of cases) {
    it(`writes nothing for a job another runner took (${path}, ${shape})`, async () => {
      const deviceId = await failingDevice();
      const lost = await claimedJob(deviceId, 'runner-a');
      await takenOver(lost);
      const text = `hostname lost-${randomUUID()}`;
      const change =
        path === 'prepared statement'
          ? null
          : { deviceId, jobId: '', backupId: '', changedBy: null, isBinary: false, significantSha256: null, text };

      const full = success(deviceId, lost, text, change);
      const recorded = await recordSuccess(db, shape === 'a binary alone' ? bare(full) : full);

      assert.equal(recorded, null);
      const shas = [sha256(text), sha256(`${text}\n(significant)`)];
      assert.deepEqual(await written(deviceId, shas), {
        versions: 0,
        texts: 0,
        originals: 0,
        events: [],
        state: 'FAILING',
        hostKey: null,
      });
      const [job] = await db.select().from(jobs).where(eq(jobs.id, lost.jobId));
      assert.equal(job!.status, 'running');
      assert.equal(job!.backupId, null);
      assert.ok(!job!.log.some((line) => line.message === 'Stored'), 'no line of the lost runner is stored');
    });
  }

  it('writes the version with all that goes with it for the job owner, on both paths', async () => {
    const deviceId = await failingDevice();
    const first = success(deviceId, await claimedJob(deviceId, 'runner-a'), 'hostname one\ninterface a\n');

    const recorded = await recordSuccess(db, first);

    assert.equal(recorded?.row.id, first.version.id);
    assert.equal(recorded?.row.changedBy, 'alice');
    assert.deepEqual(
      recorded?.events.map((event) => [event.kind, event.payload.previousState, event.payload.backupId]),
      [['DEVICE_RECOVERED', 'FAILING', first.version.id]],
    );
    assert.ok(recorded?.events[0]?.createdAt instanceof Date);
    assert.deepEqual(
      await written(
        deviceId,
        first.texts.map((text) => text.sha256),
      ),
      {
        versions: 1,
        texts: 2,
        originals: 1,
        events: ['DEVICE_RECOVERED'],
        state: 'FRESH',
        hostKey: 'SHA256:first',
      },
    );
    const [job] = await db.select().from(jobs).where(eq(jobs.id, first.lease.jobId));
    assert.deepEqual([job!.status, job!.backupId, job!.leaseOwner], ['succeeded', first.version.id, null]);
    assert.equal(job!.log.at(-1)?.message, 'Stored');

    // The next version changed: its statement runs in a transaction with the change event.
    await db.update(devices).set({ backupState: 'FAILING' }).where(eq(devices.id, deviceId));
    const text = 'hostname one\ninterface b\ninterface c\n';
    const facts = { deviceId, jobId: '', backupId: '', changedBy: 'alice', isBinary: false, significantSha256: null };
    const second = success(deviceId, await claimedJob(deviceId, 'runner-a'), text, { ...facts, text });
    second.firstHostKey = { fingerprint: 'SHA256:another', host: '192.0.2.7', port: 22 };

    const again = await recordSuccess(db, second);

    assert.equal(again?.row.id, second.version.id);
    assert.deepEqual(
      again?.events.map((event) => [event.kind, event.payload.added ?? null, event.payload.removed ?? null]),
      [
        ['DEVICE_RECOVERED', null, null],
        ['BACKUP_CHANGED', 2, 1],
      ],
    );
    const after = await written(
      deviceId,
      second.texts.map((entry) => entry.sha256),
    );
    assert.deepEqual([after.versions, after.texts, after.originals, after.state], [2, 2, 2, 'FRESH']);
    assert.equal(after.hostKey, 'SHA256:first', 'a pinned host key stays');
  });

  it('pins no host key seen at an address the device no longer has', async () => {
    const deviceId = await failingDevice();
    const moved = success(deviceId, await claimedJob(deviceId, 'runner-a'), `hostname moved-${randomUUID()}`);
    await db.update(devices).set({ port: 2222 }).where(eq(devices.id, deviceId));

    assert.ok(await recordSuccess(db, moved));

    const [device] = await db.select().from(devices).where(eq(devices.id, deviceId));
    assert.deepEqual([device!.backupState, device!.hostKeyFingerprint], ['FRESH', null]);
  });

  for (const [kind, code] of [
    ['the last attempt', 'storage_failed'],
    ['a retried attempt', 'timeout'],
  ] as const) {
    it(`pins a failed job's host key with its failure (${kind}), and nothing for a job another runner took`, async () => {
      const deps = { db, pubsub: createPubSub<PubSubEvents>(), log: createLogger('silent') };
      const hostKey = { fingerprint: 'SHA256:seen-by-a-failure', host: '192.0.2.7', port: 22 };
      const fail = async (lease: Lease) => {
        // Attempts left: a transient failure is retried.
        if (code === 'timeout') await db.update(jobs).set({ maxAttempts: 3 }).where(eq(jobs.id, lease.jobId));
        const [job] = await db.select().from(jobs).where(eq(jobs.id, lease.jobId));
        const log = createJobLog(deps, job!, lease);
        await recordJobFailure(deps, job!, lease, log, new JobFailure(code, 'it failed'), hostKey);
        const [device] = await db.select().from(devices).where(eq(devices.id, job!.deviceId));
        const [after] = await db.select().from(jobs).where(eq(jobs.id, lease.jobId));
        return { hostKey: device!.hostKeyFingerprint, status: after!.status, owner: after!.leaseOwner };
      };

      const lostDevice = await failingDevice();
      const lost = await claimedJob(lostDevice, 'runner-a');
      await takenOver(lost);
      assert.deepEqual(await fail(lost), { hostKey: null, status: 'running', owner: 'runner-b' });

      const ownDevice = await failingDevice();
      const own = await claimedJob(ownDevice, 'runner-a');
      assert.deepEqual(await fail(own), {
        hostKey: hostKey.fingerprint,
        status: code === 'timeout' ? 'queued' : 'failed',
        owner: null,
      });
    });
  }
});
