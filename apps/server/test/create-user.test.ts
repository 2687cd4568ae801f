/**
 * `devicevault create-user` against the same database the server uses (PGlite in the data dir, or the
 * PostgreSQL of DATABASE_URL): the users it creates sign in with their role and grants.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createDeviceGroup } from './support/api-builders.js';
import { freshDatabaseUrl } from './support/test-database.js';
import { signIn, startTestServer, type TestServer } from './support/test-server.js';

const cli = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

describe('devicevault create-user', () => {
  let dataDir: string;
  let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;
  let server: TestServer;
  let bobPassword = '';

  function createUser(args: string[], stdin?: string) {
    const env: NodeJS.ProcessEnv = { ...process.env, DEVICEVAULT_DATA_DIR: dataDir, DEVICEVAULT_LOG_LEVEL: 'error' };
    if (database.url) env.DATABASE_URL = database.url;
    else delete env.DATABASE_URL;
    const result = spawnSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', cli, 'create-user', ...args],
      {
        env,
        input: stdin ?? '',
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dv-cli-'));
    database = await freshDatabaseUrl();
    // A first server run migrates the database, creates the admin and a device group, then lets go of it.
    const first = await startTestServer({ dataDir, databaseUrl: database.url });
    await createDeviceGroup(first, 'core');
    await first.app.stop();
  });

  after(async () => {
    await server?.stop();
    await database.drop();
  });

  it('creates users from the command line, refusing bad input without writing', () => {
    const withPassword = createUser(
      ['--username', 'alice', '--role', 'operator', '--group', 'core', '--password-stdin'],
      'alice-password-1\n',
    );
    const generated = createUser(['--username', 'bob', '--role', 'viewer']);
    const unknownGroup = createUser(['--username', 'carol', '--role', 'viewer', '--group', 'nope']);
    const duplicate = createUser(['--username', 'alice', '--role', 'viewer']);
    const badRole = createUser(['--username', 'dave', '--role', 'root']);
    const shortPassword = createUser(['--username', 'erin', '--role', 'viewer', '--password-stdin'], 'short\n');

    assert.deepEqual([withPassword.status, withPassword.stdout], [0, 'created operator "alice" in core\n']);
    assert.equal(generated.status, 0);
    assert.match(generated.stdout, /^created viewer "bob"\npassword: \S{20}\n$/);
    bobPassword = /password: (\S+)/.exec(generated.stdout)![1]!;
    assert.deepEqual(
      [unknownGroup.status, unknownGroup.stderr],
      [1, 'devicevault create-user: no device group named "nope"\n'],
    );
    assert.match(duplicate.stderr, /already exists/);
    assert.equal(duplicate.status, 1);
    assert.equal(badRole.status, 2);
    assert.equal(shortPassword.status, 2);
  });

  it('lets those users sign in with their role and grants, and audits the creation', async () => {
    server = await startTestServer({ dataDir, databaseUrl: database.url });

    const alice = await signIn(server.url, 'alice', 'alice-password-1');
    const viewer = await server.gql('{ viewer { username role deviceGroups { name } } }', {}, alice);
    const carol = await server.gql('{ users(first: 10, filter: { search: "carol" }) { edges { node { id } } } }');
    const audit = await server.gql(
      '{ auditLog(first: 10, filter: { action: "cli.createUser" }) { edges { node { actorLabel targetType } } } }',
    );

    assert.deepEqual(viewer.data.viewer, { username: 'alice', role: 'operator', deviceGroups: [{ name: 'core' }] });
    assert.match(await signIn(server.url, 'bob', bobPassword), /^dvs_/);
    assert.deepEqual(carol.data.users.edges, []);
    assert.equal(audit.data.auditLog.edges.length, 2);
    assert.match(audit.data.auditLog.edges[0].node.actorLabel, /^cli:/);
  });
});
