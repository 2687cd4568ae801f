/**
 * The runner's storage step with a real database, real stores and a scripted collection pool standing in
 * for the worker: where a version is written (device, group, default location), change detection on bytes
 * and on the significant-changes view, text kept for search, and a write that fails midway.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backups, deviceGroups, devices, jobs, storageLocations, textContents } from '@devicevault/schema/db/tables';
import { asc, eq } from 'drizzle-orm';
import { type OpenDatabase, openDatabase } from '../src/db/open-database.js';
import type { CollectedBytes, CollectOutcome } from '../src/jobs/collect-task.js';
import type { CollectPool } from '../src/jobs/pool.js';
import { createJobRunner, type JobRunner } from '../src/jobs/runner.js';
import { createLogger } from '../src/log.js';
import { createDeviceVaultPubSub } from '../src/pubsub.js';
import { createSecretBox } from '../src/secrets/secret-box.js';
import { createStorageRegistry, locationPath } from '../src/storage/storage-registry.js';
import { mountTinyFs, sha256 } from './support/storage-fixtures.js';
import { freshDatabaseUrl } from './support/test-database.js';

interface Scripted {
  bytes: Buffer | string;
  significant?: string;
  isBinary?: boolean;
  /** The host key the session saw, as a worker reports it. */
  hostKey?: string;
  /** A text handed over in memory, as the pool returns one, instead of as an upload's files. */
  inMemory?: boolean;
}

let dataDir: string;
let database: OpenDatabase;
let dropDatabase: () => Promise<void>;
let runner: JobRunner;
const script: Scripted[] = [];

/**
 * Hands over the next scripted artefact: written into the job's spool dir, as a collector's upload arrives, or
 * in memory, as the pool returns a text.
 */
const pool: CollectPool = {
  async run(task): Promise<CollectOutcome> {
    const next = script.shift();
    if (!next) return { ok: false, code: 'plugin_error', message: 'nothing scripted' };
    const bytes = Buffer.isBuffer(next.bytes) ? next.bytes : Buffer.from(next.bytes);
    const measured = {
      sha256: sha256(bytes),
      size: bytes.length,
      significantSha256: next.significant === undefined ? undefined : sha256(next.significant),
      hostKeyFingerprint: next.hostKey,
    };
    if (next.inMemory) {
      return {
        ok: true,
        isBinary: false,
        text: bytes.toString('utf8'),
        significantText: next.significant,
        ...measured,
      };
    }
    await mkdir(task.spoolDir, { recursive: true });
    const spoolPath = join(task.spoolDir, `${randomBytes(6).toString('hex')}.txt`);
    await writeFile(spoolPath, bytes);
    let significantSpoolPath: string | undefined;
    if (next.significant !== undefined) {
      significantSpoolPath = `${spoolPath}.significant`;
      await writeFile(significantSpoolPath, next.significant);
    }
    const files: CollectedBytes = next.isBinary
      ? { isBinary: true, spoolPath }
      : { isBinary: false, spoolPath, significantSpoolPath };
    return { ok: true, ...files, ...measured };
  },
  async close() {},
};

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dv-storage-runner-'));
  const fresh = await freshDatabaseUrl();
  dropDatabase = fresh.drop;
  database = await openDatabase({ url: fresh.url, pgliteDir: join(dataDir, 'pglite') });
  const events = await createDeviceVaultPubSub();
  runner = createJobRunner({
    db: database.db,
    pool,
    storage: createStorageRegistry({ db: database.db, dataDir }),
    secrets: createSecretBox(randomBytes(32)),
    pubsub: events.pubsub,
    log: createLogger('silent'),
    spoolRoot: join(dataDir, 'spool'),
    concurrency: 1,
    defaultTimeoutSeconds: 20,
    maxTextBytes: 64 * 1024 * 1024,
    pollMs: 50,
  });
  runner.start();
});

after(async () => {
  await runner.stop();
  await database.close();
  await dropDatabase();
  await rm(dataDir, { recursive: true, force: true });
});

async function newDevice(patch: Partial<typeof devices.$inferInsert> = {}) {
  const [device] = await database.db
    .insert(devices)
    .values({ name: `dev-${randomBytes(4).toString('hex')}`, host: '127.0.0.1', pluginKey: 'noop', ...patch })
    .returning();
  return device!;
}

/** Queues one job for the device with the next scripted artefact and waits until it finishes. */
async function collect(deviceId: string, artefact: Scripted) {
  script.push(artefact);
  const [job] = await database.db.insert(jobs).values({ deviceId }).returning();
  runner.wake();
  // Minutes of patience: only a job that never finishes fails.
  for (const deadline = Date.now() + 2 * 60_000; Date.now() < deadline; ) {
    const [row] = await database.db.select().from(jobs).where(eq(jobs.id, job!.id));
    if (row!.status === 'succeeded' || row!.status === 'failed') return row!;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('job did not finish');
}

async function versionsOf(deviceId: string) {
  return database.db.select().from(backups).where(eq(backups.deviceId, deviceId)).orderBy(asc(backups.createdAt));
}

async function filesUnder(dir: string) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('the runner storing a version', () => {
  it('records an unchanged version when only volatile lines differ, without storing new bytes', async () => {
    const device = await newDevice();

    await collect(device.id, { bytes: '# uptime 1d\nhostname a\n', significant: 'hostname a\n' });
    await collect(device.id, { bytes: '# uptime 2d\nhostname a\n', significant: 'hostname a\n' });
    await collect(device.id, { bytes: '# uptime 2d\nhostname a\n', significant: 'hostname a\n' });
    await collect(device.id, { bytes: '# uptime 3d\nhostname b\n', significant: 'hostname b\n' });

    const versions = await versionsOf(device.id);
    assert.deepEqual(
      versions.map((row) => row.changed),
      [true, false, false, true],
    );
    assert.equal(versions[1]!.sha256, versions[0]!.sha256, 'an unchanged version points at the stored bytes');
    assert.equal(versions[1]!.storageRef, versions[0]!.storageRef);
    assert.equal(versions[1]!.significantSha256, sha256('hostname a\n'));
    const blobs = await filesUnder(join(dataDir, 'blobs'));
    assert.ok(
      !blobs.some((path) => path.endsWith(sha256('# uptime 2d\nhostname a\n'))),
      'no blob for volatile-only change',
    );
  });

  it('keeps text and its significant view in text_contents in the same transaction as the version', async () => {
    const device = await newDevice();

    await collect(device.id, { bytes: '# clock\nhostname t\n', significant: 'hostname t\n' });

    const [version] = await versionsOf(device.id);
    const texts = await database.db.select().from(textContents);
    const bySha = new Map(texts.map((row) => [row.sha256, row.content]));
    assert.equal(bySha.get(version!.sha256), '# clock\nhostname t\n');
    assert.equal(bySha.get(version!.significantSha256!), 'hostname t\n');
  });

  it("writes to the device's location, else its group's, else the default one", async () => {
    const [own, groupLocation, fallback] = await database.db
      .insert(storageLocations)
      .values([
        { name: 'own-fs', kind: 'fs', path: 'own-fs' },
        { name: 'group-git', kind: 'git', path: 'group-git' },
        { name: 'default-fs', kind: 'fs', path: 'default-fs', isDefault: true },
      ])
      .returning();
    const [group] = await database.db
      .insert(deviceGroups)
      .values({ name: 'git-group', storageLocationId: groupLocation!.id })
      .returning();
    const mine = await newDevice({ storageLocationId: own!.id, deviceGroupId: group!.id });
    const grouped = await newDevice({ deviceGroupId: group!.id });
    const plain = await newDevice();

    for (const device of [mine, grouped, plain]) await collect(device.id, { bytes: `hostname ${device.name}\n` });

    const [a] = await versionsOf(mine.id);
    const [b] = await versionsOf(grouped.id);
    const [c] = await versionsOf(plain.id);
    assert.deepEqual(
      [a, b, c].map((row) => [row!.storageLocationId, row!.storageKind]),
      [
        [own!.id, 'fs'],
        [groupLocation!.id, 'git'],
        [fallback!.id, 'fs'],
      ],
    );
    assert.match(b!.storageRef, /^[0-9a-f]{40}:/);
    await database.db.update(storageLocations).set({ isDefault: false }).where(eq(storageLocations.id, fallback!.id));
  });

  for (const inMemory of [false, true]) {
    const handedOver = inMemory ? 'a text in memory' : 'an uploaded text';
    it(`fails the job with storage_failed and leaves no blob and no version when the disk fills up (${handedOver})`, async (t) => {
      const dir = join(dataDir, inMemory ? 'tiny-memory' : 'tiny');
      await mkdir(dir, { recursive: true });
      const tiny = mountTinyFs(dir, '256k');
      if (!tiny) return t.skip('mounting a tmpfs needs root');
      try {
        const [location] = await database.db
          .insert(storageLocations)
          .values({ name: inMemory ? 'tiny-memory' : 'tiny', kind: 'fs', path: join(dir, 'blobs') })
          .returning();
        const device = await newDevice({ storageLocationId: location!.id });
        const big = createHash('sha512')
          .update('x')
          .digest('hex')
          .repeat(16 * 1024); // 2 MiB of text

        const job = await collect(device.id, { bytes: big, inMemory });

        assert.equal(job.status, 'failed');
        assert.equal(job.errorCode, 'storage_failed');
        assert.match(job.errorMessage ?? '', /could not store the backup/);
        assert.deepEqual(await versionsOf(device.id), []);
        assert.deepEqual(await filesUnder(locationPath(dataDir, join(dir, 'blobs'))), []);
      } finally {
        await tiny.unmount();
      }
    });
  }

  it('fails the job with storage_failed when the location cannot be written at all', async () => {
    await writeFile(join(dataDir, 'not-a-directory'), 'x');
    const [location] = await database.db
      .insert(storageLocations)
      .values({ name: 'broken', kind: 'fs', path: join(dataDir, 'not-a-directory', 'blobs') })
      .returning();
    const device = await newDevice({ storageLocationId: location!.id });

    const job = await collect(device.id, { bytes: 'hostname broken\n', hostKey: 'SHA256:first-seen' });

    assert.deepEqual([job.status, job.errorCode], ['failed', 'storage_failed']);
    assert.deepEqual(await versionsOf(device.id), []);
    // Trust on first use holds even when the job failed after the session: the key it saw is pinned.
    const [row] = await database.db.select().from(devices).where(eq(devices.id, device.id));
    assert.equal(row!.hostKeyFingerprint, 'SHA256:first-seen');
  });

  it('stores a binary in a git location and leaves nothing behind in the spool', async () => {
    const [location] = await database.db
      .insert(storageLocations)
      .values({ name: 'binary-git', kind: 'git', path: 'binary-git' })
      .returning();
    const device = await newDevice({ storageLocationId: location!.id });
    const firmware = randomBytes(256 * 1024);

    const job = await collect(device.id, { bytes: firmware, isBinary: true });

    assert.equal(job.status, 'succeeded', job.errorMessage ?? undefined);
    const [version] = await versionsOf(device.id);
    assert.deepEqual([version!.storageKind, version!.sha256, version!.isBinary], ['git', sha256(firmware), true]);
    // The git store copies the spool file into its object database; the job's spool directory still goes
    // (just after the job is recorded, so it is waited for).
    const spoolLeft = () => readdir(join(dataDir, 'spool')).catch(() => []);
    for (const deadline = Date.now() + 2 * 60_000; (await spoolLeft()).length > 0 && Date.now() < deadline; )
      await new Promise((resolve) => setTimeout(resolve, 25));
    assert.deepEqual(await spoolLeft(), []);
  });

  it('pins the first host key with the version, and never replaces a pinned one', async () => {
    const device = await newDevice();
    await collect(device.id, { bytes: 'hostname pinned\n', hostKey: 'SHA256:first' });
    await collect(device.id, { bytes: 'hostname pinned again\n', hostKey: 'SHA256:second' });
    const [row] = await database.db.select().from(devices).where(eq(devices.id, device.id));
    assert.equal(row!.hostKeyFingerprint, 'SHA256:first');
  });
});
