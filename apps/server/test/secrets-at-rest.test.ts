/**
 * No secret where it must not be. Credentials (device password, enable secret, a rotated secret), a user's
 * password and session/API tokens are planted as distinctive canaries; backups run over real SSH (the
 * password is really used) and the binary demo plugin; then the database is dumped (pg_dump on
 * PostgreSQL; every table's rows plus PGlite's own data-dir dump and raw files on PGlite), every file
 * under the data dir is read, and every API response and log line is checked. Secrets may exist only as
 * AES-GCM ciphertext, passwords only as argon2id hashes, tokens only as sha256 hashes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRecording } from '@devicevault/plugins/replay/load-recording';
import { type ReplayServer, startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { rowsOf } from '@devicevault/schema/db/database';
import { sql } from 'drizzle-orm';
import { mutate } from './support/api-builders.js';
import { createDevice, jobProgressSubscription, type ProgressEvent, triggerBackup } from './support/builders.js';
import { collectSubscription, signIn, startTestServer, type TestServer } from './support/test-server.js';

const fixtures = fileURLToPath(new URL('../../../packages/plugins/fixtures/device-sessions/', import.meta.url));
const canary = (what: string) => `canary-${what}-${randomBytes(9).toString('hex')}`;

const secrets = {
  devicePassword: canary('device-password'),
  enableSecret: canary('enable-secret'),
  rotatedSecret: canary('rotated-secret'),
  userPassword: canary('user-password'),
  mistypedPassword: canary('mistyped-password'),
};
/** Shown to their owner once by design (login, createApiToken), so checked at rest and in logs only. */
const tokens: Record<string, string> = {};

let server: TestServer;
let device: ReplayServer;

async function runBackup(deviceId: string) {
  const { job } = await triggerBackup(server, deviceId);
  const events = await collectSubscription<ProgressEvent>(server.ws(), jobProgressSubscription, { jobId: job!.id });
  assert.equal(events.at(-1)?.jobProgress.status, 'succeeded', JSON.stringify(events.at(-1)));
}

/** Every row of every table as text, read through SQL (works on both databases). */
async function allRowsAsText(): Promise<string> {
  const { db } = server.app.database;
  const tables = rowsOf<{ name: string }>(
    await db.execute(sql`select table_name as name from information_schema.tables where table_schema = 'public'`),
  );
  assert.ok(tables.length >= 10, `expected the schema's tables, got ${tables.map((t) => t.name)}`);
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = rowsOf<{ row: string }>(await db.execute(sql.raw(`select t::text as row from "${name}" t`)));
    parts.push(`-- ${name}\n${rows.map((r) => r.row).join('\n')}`);
  }
  return parts.join('\n');
}

/** The database as its own tools dump it: pg_dump on PostgreSQL, PGlite's dumpDataDir tarball. */
async function nativeDump(): Promise<Buffer> {
  if (server.databaseUrl) {
    const bin = readdirBins().find((path) => path.endsWith('/pg_dump'));
    assert.ok(bin, 'pg_dump not found under /usr/lib/postgresql');
    return execFileSync(bin, ['--dbname', server.databaseUrl, '--no-owner'], { maxBuffer: 512 * 1024 * 1024 });
  }
  const client = (server.app.database.db as unknown as { $client: PgliteLike }).$client;
  await client.query('checkpoint');
  const dump = await client.dumpDataDir('none');
  return Buffer.from(await dump.arrayBuffer());
}

interface PgliteLike {
  query(sql: string): Promise<unknown>;
  dumpDataDir(compression: 'none'): Promise<Blob>;
}

function readdirBins(): string[] {
  return execFileSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin/pg_dump'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

function assertAbsent(haystack: Buffer | string, where: string, needles: Record<string, string>) {
  const bytes = typeof haystack === 'string' ? Buffer.from(haystack) : haystack;
  for (const [name, value] of Object.entries(needles)) {
    assert.equal(bytes.indexOf(value), -1, `${where} contains the ${name} in plaintext`);
  }
}

before(async () => {
  server = await startTestServer();
  const recordingPath = join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml');
  device = await startReplayServer(await loadRecording(recordingPath), {
    username: 'netops',
    password: secrets.devicePassword,
  });

  const credential = await mutate(
    server,
    'createCredential',
    { name: 'core-routers', username: 'netops', secret: secrets.devicePassword },
    'credential { id }',
  );
  const spare = await mutate(
    server,
    'createCredential',
    // The recorded device has no enable prompt, so the enable secret sits on a credential it doesn't use.
    { name: 'spare', username: 'backup', secret: canary('replaced-secret'), enableSecret: secrets.enableSecret },
    'credential { id }',
  );
  await mutate(
    server,
    'updateCredential',
    { id: spare.credential.id, secret: secrets.rotatedSecret },
    'credential { id }',
  );
  const ssh = await createDevice(server, {
    pluginKey: 'cisco_ios',
    port: device.port,
    credentialId: credential.credential.id,
  });
  const binary = await createDevice(server, { pluginKey: 'binary_dummy' });
  await runBackup(ssh.id);
  await runBackup(binary.id);

  const user = await mutate(
    server,
    'createUser',
    { username: 'night-shift', role: 'operator', password: secrets.userPassword },
    'user { id }',
  );
  assert.equal(user.__typename, 'CreateUserSuccess');
  tokens.userSession = await signIn(server.url, 'night-shift', secrets.userPassword);
  tokens.adminSession = server.adminToken;
  const created = await mutate(server, 'createApiToken', { name: 'exporter' }, 'token', tokens.userSession);
  tokens.apiToken = created.token;
  // The API token is really usable, so what is stored must be derived from it.
  const viaToken = await server.gql('{ viewer { username } }', {}, tokens.apiToken);
  assert.equal(viaToken.data.viewer.username, 'night-shift');
  // A failed sign-in with a password-like string must not be logged either.
  await assert.rejects(signIn(server.url, 'night-shift', secrets.mistypedPassword));
});

after(async () => {
  await device.close();
  await server.stop();
});

describe(`secrets at rest and in flight (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('keeps credentials, passwords and tokens out of every table row', async () => {
    const rows = await allRowsAsText();

    assert.match(rows, /v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+/, 'credentials are stored as ciphertext');
    assert.match(rows, /\$argon2id\$/, 'passwords are stored as argon2id hashes');
    assertAbsent(rows, 'a table row', { ...secrets, ...tokens });
  });

  it(`keeps them out of the database's own dump (${process.env.DATABASE_URL ? 'pg_dump' : 'PGlite dumpDataDir'})`, async () => {
    const dump = await nativeDump();

    assert.ok(dump.length > 10_000);
    assert.notEqual(dump.indexOf('core-routers'), -1, 'the dump holds the credential row (by its name)');
    assertAbsent(dump, 'the database dump', { ...secrets, ...tokens });
  });

  it('keeps them out of every file under the data dir (raw PGlite files, WAL, blobs, git, spool)', async () => {
    let files = 0;

    for await (const path of filesUnder(server.dataDir)) {
      files++;
      assertAbsent(await readFile(path), path, { ...secrets, ...tokens });
    }

    assert.ok(files > 0);
  });

  it('never returns a secret or password in an API response', () => {
    assert.ok(server.responses.length > 5);
    for (const body of server.responses) assertAbsent(body, `a response (${body.slice(0, 200)})`, secrets);
  });

  it('never writes a secret, password or token to a log line', () => {
    assert.ok(server.logLines.length > 0);
    for (const line of server.logLines)
      assertAbsent(line, `a log line (${line.slice(0, 200)})`, { ...secrets, ...tokens });
  });
});
