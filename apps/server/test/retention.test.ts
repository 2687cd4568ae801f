/**
 * Retention: each policy limit alone and combined, inheritance, the newest version always surviving,
 * blobs collected only when nothing references them, a prune that dies midway losing nothing still
 * referenced, and what retention means on a git location (rows pruned, history kept).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Database } from '@devicevault/schema/db/database';
import { type BackupRow, backups, deviceGroups, devices, textContents } from '@devicevault/schema/db/tables';
import { eq, inArray } from 'drizzle-orm';
import { createPruner, type PrunerHooks } from '../src/jobs/pruner.js';
import { createLogger } from '../src/log.js';
import { locationPath } from '../src/storage/storage-registry.js';
import { createDevice, jobProgressSubscription, triggerBackup } from './support/builders.js';
import { createLocation, registryFor, seedVersion } from './support/seed-versions.js';
import { sha256, streamToBuffer } from './support/storage-fixtures.js';
import { collectSubscription, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let db: Database;
const day = 86_400_000;
const now = new Date('2026-06-01T12:00:00Z');

before(async () => {
  server = await startTestServer();
  db = server.app.database.db as Database;
});

after(async () => {
  await server.stop();
});

function pruner(hooks?: PrunerHooks) {
  return createPruner({
    db,
    storage: registryFor(server),
    log: createLogger('silent'),
    intervalMs: 3_600_000,
    graceMs: 0,
    hooks,
  });
}

async function createPolicy(input: { keepLast?: number; keepDays?: number; maxBytes?: number; isDefault?: boolean }) {
  const result = await server.gql(
    `mutation ($input: CreateRetentionPolicyInput!) {
      createRetentionPolicy(input: $input) { __typename ... on CreateRetentionPolicySuccess { retentionPolicy { id } } ... on Error { message } }
    }`,
    { input: { name: `policy-${Math.random().toString(36).slice(2)}`, ...input } },
  );
  assert.equal(result.data?.createRetentionPolicy.__typename, 'CreateRetentionPolicySuccess', JSON.stringify(result));
  return result.data.createRetentionPolicy.retentionPolicy.id as string;
}

async function setPolicy(input: Record<string, string | null>) {
  const result = await server.gql(
    `mutation ($input: SetStoragePolicyInput!) { setStoragePolicy(input: $input) { __typename ... on Error { message } } }`,
    { input },
  );
  assert.equal(result.data?.setStoragePolicy.__typename, 'SetStoragePolicySuccess', JSON.stringify(result));
}

/** A device with `count` distinct versions, one a day, the newest `newestAgeDays` before `now`. */
async function deviceWithVersions(
  count: number,
  options: { size?: number; newestAgeDays?: number; locationId?: string | null } = {},
) {
  const device = await createDevice(server, { pluginKey: 'noop' });
  const rows: BackupRow[] = [];
  for (let i = 0; i < count; i++) {
    const age = (options.newestAgeDays ?? 0) + (count - 1 - i);
    const text = `version ${i} of ${device.name}\n`.padEnd(options.size ?? 100, '#');
    rows.push(
      await seedVersion(server, {
        deviceId: device.id,
        deviceName: device.name,
        bytes: text,
        createdAt: new Date(now.getTime() - age * day),
        locationId: options.locationId ?? null,
      }),
    );
  }
  return { device, rows: rows.reverse() }; // newest first
}

async function remaining(deviceId: string) {
  const rows = await db.select({ id: backups.id }).from(backups).where(eq(backups.deviceId, deviceId));
  return new Set(rows.map((row) => row.id));
}

async function blobExists(sha: string) {
  const names = await readdir(join(server.dataDir, 'blobs', sha.slice(0, 2), sha.slice(2, 4))).catch(
    () => [] as string[],
  );
  return names.includes(sha);
}

async function assertReadable(rows: BackupRow[]) {
  const storage = registryFor(server);
  for (const row of rows) assert.equal(sha256(await streamToBuffer(await storage.read(row))), row.sha256);
}

describe('retention policies', () => {
  it('keeps the last N versions and collects the blobs of the others', async () => {
    const policy = await createPolicy({ keepLast: 3 });
    const { device, rows } = await deviceWithVersions(8);
    await setPolicy({ deviceId: device.id, retentionPolicyId: policy });

    const report = await pruner().pruneDevice(device.id, now);

    assert.deepEqual(await remaining(device.id), new Set(rows.slice(0, 3).map((row) => row.id)));
    assert.deepEqual([report.rowsDeleted, report.blobsRemoved], [5, 5]);
    for (const row of rows.slice(3)) assert.equal(await blobExists(row.sha256), false);
    await assertReadable(rows.slice(0, 3));
  });

  it('keeps versions of the last D days', async () => {
    const policy = await createPolicy({ keepDays: 7 });
    const { device, rows } = await deviceWithVersions(20);
    await setPolicy({ deviceId: device.id, retentionPolicyId: policy });

    await pruner().pruneDevice(device.id, now);

    // Ages 0..19 days: ages up to 7 days (inclusive of the boundary instant) stay.
    assert.deepEqual(await remaining(device.id), new Set(rows.slice(0, 8).map((row) => row.id)));
  });

  it('keeps at most B bytes per device, counting each stored blob once', async () => {
    const policy = await createPolicy({ maxBytes: 350 });
    const { device, rows } = await deviceWithVersions(6, { size: 100 });
    // Two unchanged check-ins that share the newest version's blob cost nothing.
    const shared = rows[0]!;
    for (const hours of [1, 2]) {
      await db.insert(backups).values({
        ...shared,
        id: undefined,
        changed: false,
        createdAt: new Date(now.getTime() + hours * 3_600_000),
      } as never);
    }
    await setPolicy({ deviceId: device.id, retentionPolicyId: policy });

    await pruner().pruneDevice(device.id, now);

    const left = await remaining(device.id);
    assert.equal(left.size, 2 + 3);
    for (const row of rows.slice(0, 3)) assert.ok(left.has(row.id));
  });

  it('combines limits: a version stays only if every limit keeps it', async () => {
    const policy = await createPolicy({ keepLast: 6, keepDays: 4, maxBytes: 1000 });
    const { device, rows } = await deviceWithVersions(10, { size: 300 });
    await setPolicy({ deviceId: device.id, retentionPolicyId: policy });

    await pruner().pruneDevice(device.id, now);

    // keepLast 6, keepDays 4 → 5, maxBytes 1000 / 300 → 3: the tightest wins.
    assert.deepEqual(await remaining(device.id), new Set(rows.slice(0, 3).map((row) => row.id)));
  });

  it('never removes the latest successful backup, whatever the policy', async () => {
    const policy = await createPolicy({ keepDays: 1, maxBytes: 10 });
    const { device, rows } = await deviceWithVersions(4, { size: 500, newestAgeDays: 30 });
    await setPolicy({ deviceId: device.id, retentionPolicyId: policy });

    await pruner().pruneDevice(device.id, now);

    assert.deepEqual(await remaining(device.id), new Set([rows[0]!.id]));
    await assertReadable([rows[0]!]);
  });

  it("applies the device group's policy, else the default one, and keeps everything with none", async () => {
    const groupPolicy = await createPolicy({ keepLast: 2 });
    const [group] = await db.insert(deviceGroups).values({ name: 'retention-group' }).returning();
    await setPolicy({ deviceGroupId: group!.id, retentionPolicyId: groupPolicy });
    const grouped = await deviceWithVersions(4);
    await db.update(devices).set({ deviceGroupId: group!.id }).where(eq(devices.id, grouped.device.id));
    const unmanaged = await deviceWithVersions(4);

    await pruner().pruneDevice(grouped.device.id, now);
    await pruner().pruneDevice(unmanaged.device.id, now);
    assert.equal((await remaining(grouped.device.id)).size, 2);
    assert.equal((await remaining(unmanaged.device.id)).size, 4);

    await createPolicy({ keepLast: 3, isDefault: true });
    await pruner().pruneDevice(unmanaged.device.id, now);
    assert.equal((await remaining(unmanaged.device.id)).size, 3);
  });

  it('keeps a blob that a surviving unchanged version still references', async () => {
    const policy = await createPolicy({ keepLast: 1 });
    const device = await createDevice(server, { pluginKey: 'noop' });
    const original = await seedVersion(server, {
      deviceId: device.id,
      deviceName: device.name,
      bytes: 'same config\n',
      createdAt: new Date(now.getTime() - 2 * day),
    });
    await db.insert(backups).values({ ...original, id: undefined, changed: false, createdAt: now } as never);
    await setPolicy({ deviceId: device.id, retentionPolicyId: policy });

    await pruner().pruneDevice(device.id, now);

    assert.equal((await remaining(device.id)).size, 1);
    assert.equal(await blobExists(original.sha256), true);
  });

  it('drops text kept for search once no version references it', async () => {
    const policy = await createPolicy({ keepLast: 1 });
    const { device, rows } = await deviceWithVersions(3);
    await setPolicy({ deviceId: device.id, retentionPolicyId: policy });

    await pruner().pruneAll(now);

    const texts = await db
      .select({ sha256: textContents.sha256 })
      .from(textContents)
      .where(
        inArray(
          textContents.sha256,
          rows.map((row) => row.sha256),
        ),
      );
    assert.deepEqual(
      texts.map((text) => text.sha256),
      [rows[0]!.sha256],
    );
  });
});

describe('a prune that dies midway', () => {
  it('leaves every referenced blob readable, and the next run collects what it left', async () => {
    const policy = await createPolicy({ keepLast: 4 });
    const { device, rows } = await deviceWithVersions(16);
    await setPolicy({ deviceId: device.id, retentionPolicyId: policy });
    let removals = 0;
    const crashing = pruner({
      beforeRemove() {
        removals += 1;
        if (removals > 5) throw new Error('killed midway');
      },
    });

    await assert.rejects(crashing.pruneDevice(device.id, now), /killed midway/);

    const left = await db.select().from(backups).where(eq(backups.deviceId, device.id));
    assert.equal(left.length, 4);
    await assertReadable(left);
    const orphansBefore = (await Promise.all(rows.slice(4).map((row) => blobExists(row.sha256)))).filter(Boolean);
    assert.equal(orphansBefore.length, 12 - 5);

    await pruner().pruneAll(now);

    for (const row of rows.slice(4)) assert.equal(await blobExists(row.sha256), false);
    await assertReadable(left);
  });

  it('loses nothing when it dies after deleting rows and before removing any blob', async () => {
    const policy = await createPolicy({ keepLast: 2 });
    const { device, rows } = await deviceWithVersions(5);
    await setPolicy({ deviceId: device.id, retentionPolicyId: policy });
    const crashing = pruner({
      beforeRemove() {
        throw new Error('killed before any blob');
      },
    });

    await assert.rejects(crashing.pruneDevice(device.id, now));

    await assertReadable(rows.slice(0, 2));
    for (const row of rows.slice(2)) assert.equal(await blobExists(row.sha256), true);
    await pruner().collectGarbage();
    for (const row of rows.slice(2)) assert.equal(await blobExists(row.sha256), false);
  });

  it('spares an unreferenced blob younger than the grace period (a job may not have recorded its row yet)', async () => {
    const policy = await createPolicy({ keepLast: 1 });
    const { device, rows } = await deviceWithVersions(2);
    await setPolicy({ deviceId: device.id, retentionPolicyId: policy });
    const careful = createPruner({
      db,
      storage: registryFor(server),
      log: createLogger('silent'),
      intervalMs: 3_600_000,
      graceMs: 3_600_000,
    });

    await careful.pruneDevice(device.id, now);

    assert.equal((await remaining(device.id)).size, 1);
    assert.equal(await blobExists(rows[1]!.sha256), true);
  });
});

describe('retention on a git location', () => {
  it('prunes version rows but keeps every commit in the repository history', async () => {
    const location = await createLocation(server, 'git');
    const policy = await createPolicy({ keepLast: 2 });
    const { device, rows } = await deviceWithVersions(5, { locationId: location.id });
    await setPolicy({ deviceId: device.id, retentionPolicyId: policy });
    const repo = locationPath(server.dataDir, location.path);

    const report = await pruner().pruneAll(now);

    assert.ok(report.rowsDeleted >= 3);
    assert.deepEqual(await remaining(device.id), new Set(rows.slice(0, 2).map((row) => row.id)));
    const commits = execFileSync('git', [`--git-dir=${repo}`, 'rev-list', '--count', 'main'], { encoding: 'utf8' });
    assert.equal(commits.trim(), '5');
    const oldest = rows.at(-1)!.storageRef;
    assert.equal(
      sha256(execFileSync('git', [`--git-dir=${repo}`, 'cat-file', 'blob', oldest])),
      rows.at(-1)!.sha256,
      'a pruned version is still in git history',
    );
    await assertReadable(rows.slice(0, 2));
  });
});

describe('the pruner in the server', () => {
  it('enforces the policy right after a backup', async () => {
    const policy = await createPolicy({ keepLast: 2 });
    const device = await createDevice(server, { pluginKey: 'noop' });
    await setPolicy({ deviceId: device.id, retentionPolicyId: policy });

    for (let i = 0; i < 4; i++) {
      const { job } = await triggerBackup(server, device.id);
      await collectSubscription(server.ws(), jobProgressSubscription, { jobId: job!.id });
    }
    let left = 0;
    for (const deadline = Date.now() + 2 * 60_000; Date.now() < deadline; ) {
      left = (await remaining(device.id)).size;
      if (left <= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    assert.equal(left, 2);
  });
});
