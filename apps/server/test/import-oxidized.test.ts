/**
 * Importing Oxidized's git output: per-group repositories and a single repository with group folders,
 * several nodes and commits (text, binary, a deletion), imported twice: each version once, at its
 * original commit time, readable byte for byte; and the CLI end to end.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Database } from '@devicevault/schema/db/database';
import { backups, deviceGroups, devices } from '@devicevault/schema/db/tables';
import { asc, eq } from 'drizzle-orm';
import { importOxidized } from '../src/cli/oxidized-importer.js';
import { registryFor } from './support/seed-versions.js';
import { sha256, streamToBuffer } from './support/storage-fixtures.js';
import { freshDatabaseUrl } from './support/test-database.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const run = promisify(execFile);
const serverRoot = fileURLToPath(new URL('..', import.meta.url));

interface Commit {
  at: number;
  files: Record<string, string | Buffer | null>;
}

/** Builds a bare repository like Oxidized's from commits of whole files (null deletes a file). */
async function oxidizedRepo(bare: string, commits: Commit[]) {
  const work = await mkdtemp(join(tmpdir(), 'dv-ox-work-'));
  const sh = (args: string[], at?: number) =>
    execFileSync('git', args, {
      cwd: work,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'oxidized',
        GIT_AUTHOR_EMAIL: 'o@x',
        GIT_COMMITTER_NAME: 'oxidized',
        GIT_COMMITTER_EMAIL: 'o@x',
        GIT_CONFIG_GLOBAL: '/dev/null',
        ...(at ? { GIT_AUTHOR_DATE: `@${at} +0000`, GIT_COMMITTER_DATE: `@${at} +0000` } : {}),
      },
    });
  sh(['init', '--quiet', '--initial-branch=master', '.']);
  for (const [index, commit] of commits.entries()) {
    for (const [path, content] of Object.entries(commit.files)) {
      if (content === null) sh(['rm', '--quiet', path]);
      else {
        await mkdir(join(work, path, '..'), { recursive: true });
        await writeFile(join(work, path), content);
        sh(['add', path]);
      }
    }
    sh(['commit', '--quiet', '-m', `update ${index}`], commit.at);
  }
  execFileSync('git', ['clone', '--quiet', '--bare', work, bare]);
  await rm(work, { recursive: true, force: true });
}

const t0 = 1_700_000_000;
const firmware = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x00, 0x01]);

let root: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'dv-oxidized-'));
  // Per-group layout: <dir>/<group>.git, node files at the top of each.
  await mkdir(join(root, 'per-group'));
  await oxidizedRepo(join(root, 'per-group', 'core.git'), [
    { at: t0, files: { 'ox-core1': 'hostname ox-core1\n', 'ox-core2': 'hostname ox-core2\n' } },
    { at: t0 + 3600, files: { 'ox-core1': 'hostname ox-core1\nvlan 10\n' } },
    { at: t0 + 7200, files: { 'ox-core1': 'hostname ox-core1\nvlan 10\nvlan 20\n', 'ox-core2': null } },
  ]);
  await oxidizedRepo(join(root, 'per-group', 'edge.git'), [
    { at: t0 + 60, files: { 'ox-fw1': firmware } },
    { at: t0 + 120, files: { 'ox-fw1': Buffer.concat([firmware, firmware]) } },
  ]);
  // single_repo layout: one repository with <group>/<node> files.
  await oxidizedRepo(join(root, 'single.git'), [
    { at: t0 + 10, files: { 'dc/ox-dc1': 'hostname ox-dc1\n', 'lab/ox-lab1': 'hostname ox-lab1\n' } },
    { at: t0 + 20, files: { 'dc/ox-dc1': 'hostname ox-dc1\nntp server 1.1.1.1\n' } },
  ]);
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('import-oxidized', () => {
  let server: TestServer;
  let db: Database;

  before(async () => {
    server = await startTestServer();
    db = server.app.database.db as Database;
  });

  after(async () => {
    await server.stop();
  });

  async function versionsOf(name: string) {
    const [device] = await db.select().from(devices).where(eq(devices.name, name));
    assert.ok(device, `device ${name} was created`);
    return db.select().from(backups).where(eq(backups.deviceId, device.id)).orderBy(asc(backups.createdAt));
  }

  it('imports every node of per-group repositories once, with original commit times, when run twice', async () => {
    const options = {
      db,
      storage: registryFor(server),
      path: join(root, 'per-group'),
      spoolDir: join(server.dataDir, 'import-spool'),
    };

    const first = await importOxidized(options);
    const second = await importOxidized(options);

    assert.deepEqual(first, {
      repositories: 2,
      devicesCreated: 3,
      versionsImported: 6,
      versionsSkipped: 0,
      devicesMapped: 0,
      unknownModels: [],
    });
    assert.deepEqual(second, {
      repositories: 2,
      devicesCreated: 0,
      versionsImported: 0,
      versionsSkipped: 6,
      devicesMapped: 0,
      unknownModels: [],
    });
    const core1 = await versionsOf('ox-core1');
    assert.deepEqual(
      core1.map((row) => row.createdAt.getTime()),
      [t0, t0 + 3600, t0 + 7200].map((seconds) => seconds * 1000),
    );
    assert.deepEqual(
      core1.map((row) => row.changed),
      [true, true, true],
    );
    const storage = registryFor(server);
    const texts = [];
    for (const row of core1) texts.push((await streamToBuffer(await storage.read(row))).toString());
    assert.deepEqual(texts, [
      'hostname ox-core1\n',
      'hostname ox-core1\nvlan 10\n',
      'hostname ox-core1\nvlan 10\nvlan 20\n',
    ]);
    assert.equal((await versionsOf('ox-core2')).length, 1, 'a deletion adds no version');
    const fw = await versionsOf('ox-fw1');
    assert.deepEqual(
      fw.map((row) => [row.isBinary, row.size, row.sha256]),
      [
        [true, 6, sha256(firmware)],
        [true, 12, sha256(Buffer.concat([firmware, firmware]))],
      ],
    );
    const [device] = await db.select().from(devices).where(eq(devices.name, 'ox-core1'));
    const [group] = await db.select().from(deviceGroups).where(eq(deviceGroups.id, device!.deviceGroupId!));
    assert.deepEqual([device!.enabled, group!.name], [false, 'core']);
  });

  it('imports a single repository with group folders, and the versions are searchable', async () => {
    const options = {
      db,
      storage: registryFor(server),
      path: join(root, 'single.git'),
      spoolDir: join(server.dataDir, 'import-spool'),
    };

    await importOxidized(options);
    const again = await importOxidized(options);
    const search = await server.gql(
      `{ searchConfigs(pattern: "ntp server 1.1.1.1") { ... on SearchConfigsConnection { edges { node { device { name } backup { createdAt } } } } } }`,
    );

    assert.equal(again.versionsImported, 0);
    assert.equal((await versionsOf('ox-dc1')).length, 2);
    assert.equal((await versionsOf('ox-lab1')).length, 1);
    assert.deepEqual(search.data.searchConfigs.edges, [
      { node: { device: { name: 'ox-dc1' }, backup: { createdAt: new Date((t0 + 20) * 1000).toISOString() } } },
    ]);
  });
});

describe('the devicevault import-oxidized command', () => {
  it('imports, then reports everything already present on a second run', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'dv-import-cli-'));
    const database = await freshDatabaseUrl();
    const env = {
      ...process.env,
      DEVICEVAULT_DATA_DIR: dataDir,
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    };
    const cli = ['--conditions=source', '--import', 'tsx', join(serverRoot, 'src/cli/main.ts'), 'import-oxidized'];

    try {
      const first = await run(process.execPath, [...cli, join(root, 'per-group')], { env });
      const second = await run(process.execPath, [...cli, join(root, 'per-group')], { env });

      assert.match(first.stdout, /^imported 6 version\(s\) from 2 repositories; 3 new device\(s\)/);
      assert.match(second.stdout, /^imported 0 version\(s\) .* 6 already present/);
    } finally {
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('gives each node the plugin of its Oxidized model and its address from router.db', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'dv-import-cli-'));
    const database = await freshDatabaseUrl();
    const env = {
      ...process.env,
      DEVICEVAULT_DATA_DIR: dataDir,
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    };
    const cli = ['--conditions=source', '--import', 'tsx', join(serverRoot, 'src/cli/main.ts'), 'import-oxidized'];
    const routerDb = join(dataDir, 'router.db');
    await writeFile(
      routerDb,
      '# name:ip:model\nox-core1:192.0.2.1:ios\nox-core2:192.0.2.2:junos\nox-fw1:192.0.2.3:acmeos\n',
    );

    try {
      // A first import without router.db leaves every device on noop; the second one maps them.
      await run(process.execPath, [...cli, join(root, 'per-group')], { env });
      const mapped = await run(
        process.execPath,
        [...cli, join(root, 'per-group'), '--router-db', routerDb, '--map', 'name=0,ip=1,model=2'],
        { env },
      );
      const server = await startTestServer({ dataDir, databaseUrl: database.url });
      const listed = await server
        .gql('{ devices(first: 10) { edges { node { name host pluginKey } } } }')
        .finally(() => server.stop());

      assert.match(mapped.stdout, /2 given the plugin of their Oxidized model/);
      assert.match(mapped.stdout, /no plugin for Oxidized model\(s\): acmeos/);
      const rows = listed.data.devices.edges
        .map((edge: { node: unknown }) => edge.node)
        .sort((a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name));
      assert.deepEqual(rows, [
        { name: 'ox-core1', host: '192.0.2.1', pluginKey: 'cisco_ios' },
        { name: 'ox-core2', host: '192.0.2.2', pluginKey: 'juniper_junos' },
        { name: 'ox-fw1', host: 'ox-fw1', pluginKey: 'noop' },
      ]);
    } finally {
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('fails with a usage line when no path is given', async () => {
    const result = await run(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', join(serverRoot, 'src/cli/main.ts'), 'import-oxidized'],
      { env: process.env },
    ).catch((error) => error as { code: number; stderr: string });

    assert.equal((result as { code: number }).code, 2);
    assert.match((result as { stderr: string }).stderr, /usage: devicevault import-oxidized/);
  });
});
