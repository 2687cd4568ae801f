/**
 * A device's lifecycle: archived devices are not collected nor listed by default, keep their history and come
 * back with unarchiveDevice; deleting (admins only, audited) removes the rows and the stored bytes no other
 * device shares; renaming a device continues the same git file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { auditLog, backups, jobs } from '@devicevault/schema/db/tables';
import { eq } from 'drizzle-orm';
import { createGitBackupStore } from '../src/storage/git-backup-store.js';
import { createDeviceGroup, createUserAndSignIn, mutate } from './support/api-builders.js';
import { createDevice, triggerBackup } from './support/builders.js';
import { startTestServer, type TestServer } from './support/test-server.js';

async function backUp(server: TestServer, deviceId: string) {
  const { job } = await triggerBackup(server, deviceId);
  for (let waited = 0; waited < 180_000; waited += 50) {
    const [row] = await server.app.database.db.select().from(jobs).where(eq(jobs.id, job!.id));
    if (row && ['succeeded', 'failed'].includes(row.status)) return assert.equal(row.status, 'succeeded');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the backup never ended');
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

const listed = `query ($filter: DeviceFilter) { devices(first: 100, filter: $filter) { edges { node { id archivedAt } } } }`;

describe('device lifecycle', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('archives a device: not collected, listed only when asked for, history kept; unarchive restores it', async () => {
    const device = await createDevice(server, { pluginKey: 'noop' });
    await backUp(server, device.id);

    const archived = await mutate(server, 'archiveDevice', { id: device.id }, 'device { archivedAt }');
    const byDefault = await server.gql(listed);
    const onlyArchived = await server.gql(listed, { filter: { archived: true } });
    const direct = await triggerBackup(server, device.id);
    const fleet = await server.gql(
      'mutation { triggerBackup(input: { all: true }) { ... on TriggerBackupSuccess { queuedCount } } }',
    );
    const history = await server.gql(
      'query ($id: ID!) { device(id: $id) { backups(first: 10) { edges { node { id } } } } }',
      {
        id: device.id,
      },
    );

    assert.ok(archived.device.archivedAt);
    assert.ok(!byDefault.data.devices.edges.some((edge: { node: { id: string } }) => edge.node.id === device.id));
    assert.ok(onlyArchived.data.devices.edges.some((edge: { node: { id: string } }) => edge.node.id === device.id));
    assert.equal(direct.__typename, 'ValidationError');
    assert.equal(fleet.data.triggerBackup.queuedCount, 0);
    assert.equal(history.data.device.backups.edges.length, 1);

    const restored = await mutate(server, 'unarchiveDevice', { id: device.id }, 'device { archivedAt }');
    await backUp(server, device.id);

    assert.equal(restored.device.archivedAt, null);
    const after = await server.gql(listed);
    assert.ok(after.data.devices.edges.some((edge: { node: { id: string } }) => edge.node.id === device.id));
  });

  it('deletes a device with its jobs, versions and the bytes no other device shares; admins only, audited', async () => {
    const group = await createDeviceGroup(server);
    const operator = await createUserAndSignIn(server, 'operator', [group.id]);
    const first = await createDevice(server, { pluginKey: 'binary_dummy', deviceGroupId: group.id });
    const second = await createDevice(server, { pluginKey: 'binary_dummy', deviceGroupId: group.id });
    await backUp(server, first.id);
    await backUp(server, second.id);
    const { db } = server.app.database;
    const [version] = await db.select().from(backups).where(eq(backups.deviceId, first.id));
    const blob = version!.storageRef;

    const byOperator = await server.gql(
      'mutation ($input: DeleteDeviceInput!) { deleteDevice(input: $input) { __typename } }',
      { input: { id: first.id } },
      operator.token,
    );
    const deletedFirst = await mutate(server, 'deleteDevice', { id: first.id }, 'deletedId');
    const sharedKept = (await filesUnder(server.dataDir)).includes(blob);
    const deletedSecond = await mutate(server, 'deleteDevice', { id: second.id }, 'deletedId');

    assert.equal(byOperator.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.deepEqual([deletedFirst.deletedId, deletedSecond.deletedId], [first.id, second.id]);
    assert.ok(sharedKept, 'a blob the other device still references stays');
    assert.ok(!(await filesUnder(server.dataDir)).includes(blob), 'the last reference gone, the blob is removed');
    assert.equal((await db.select().from(backups).where(eq(backups.deviceId, second.id))).length, 0);
    assert.equal((await db.select().from(jobs).where(eq(jobs.deviceId, second.id))).length, 0);
    const audit = await db.select().from(auditLog).where(eq(auditLog.action, 'deleteDevice'));
    assert.deepEqual(
      audit.map((row) => `${row.outcome} ${row.targetId}`).sort(),
      [`denied ${first.id}`, `success ${first.id}`, `success ${second.id}`].sort(),
    );
  });
});

describe('a renamed device in the git store', () => {
  it('continues one file and one history under its id', async () => {
    const work = await mkdtemp(join(tmpdir(), 'dv-lifecycle-git-'));
    try {
      const repo = join(work, 'repo');
      const store = createGitBackupStore(repo);
      const deviceId = '00000000-0000-4000-8000-0000000000aa';
      for (const [index, name] of ['core-sw1', 'dc1-core-sw1'].entries()) {
        const text = `hostname ${name}\nvlan ${index}\n`;
        const spoolPath = join(work, `v${index}`);
        await writeFile(spoolPath, text);
        const sha256 = createHash('sha256').update(text).digest('hex');
        await store.put({
          spoolPath,
          sha256,
          size: text.length,
          deviceId,
          deviceName: name,
          jobId: `job-${index}`,
          isBinary: false,
        });
      }

      const git = (args: string[]) => execFileSync('git', [`--git-dir=${repo}`, ...args], { encoding: 'utf8' }).trim();

      assert.deepEqual(git(['ls-tree', '--name-only', 'main']).split('\n'), [deviceId]);
      assert.deepEqual(git(['log', '--format=%an', 'main', '--', deviceId]).split('\n'), ['dc1-core-sw1', 'core-sw1']);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
