/**
 * No secret where it must not be. Credentials (device password, enable secret, a rotated secret), a user's
 * password and session/API tokens are planted as distinctive canaries; backups run over real SSH (the
 * password is really used) and the binary demo plugin; then the database is dumped (pg_dump on
 * PostgreSQL; every table's rows plus PGlite's own data-dir dump and raw files on PGlite), every file
 * under the data dir is read, and every API response and log line is checked. Secrets may exist only as
 * AES-GCM ciphertext, passwords only as argon2id hashes, tokens only as sha256 hashes.
 * A device that scrubs secrets (in a git storage location) has secrets in its config, one hidden by the
 * plugin's masks and one by a user scrub rule: the version everyone sees has placeholders, the restorable
 * original is kept encrypted and reaches only an admin, byte for byte what the device sent, audited.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findPlugin } from '@devicevault/plugins/registry';
import { loadRecording, type Recording } from '@devicevault/plugins/replay/load-recording';
import { type ReplayServer, startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { rowsOf } from '@devicevault/schema/db/database';
import { sql } from 'drizzle-orm';
import { createDownloadSigner, loadDownloadKey } from '../src/http/download-signing.js';
import { createUserAndSignIn, mutate } from './support/api-builders.js';
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
  /** In a scrubbing device's config, where the plugin's masks hide it (`snmp-server community`). */
  configCommunity: canary('snmp-community'),
  /** In the same config, where only a user scrub rule hides it (`snmp-server location`). */
  configLocation: canary('snmp-location'),
};
/** Shown to their owner once by design (login, createApiToken), so checked at rest and in logs only. */
const tokens: Record<string, string> = {};

let server: TestServer;
let device: ReplayServer;
let scrubbedDevice: ReplayServer;
let scrubbed: { deviceId: string; backupId: string; gitPath: string; sent: Buffer };

/** The recording with two secret lines added to the running config, before its `end`. */
function withSecrets(recording: Recording): Recording {
  return {
    ...recording,
    exchanges: recording.exchanges.map((exchange) => {
      if (exchange.input !== 'show running-config\n') return exchange;
      const lines = `snmp-server community ${secrets.configCommunity} RO\nsnmp-server location ${secrets.configLocation}\n`;
      return { ...exchange, answer: Buffer.from(exchange.answer.toString('utf8').replace(/^end$/m, `${lines}end`)) };
    }),
  };
}

/** What the device sends, collected by the plugin itself without scrubbing (outside the server). */
async function collectedUnscrubbed(port: number): Promise<Buffer> {
  const spoolDir = await mkdtemp(join(tmpdir(), 'dv-canary-'));
  try {
    const artefact = await findPlugin('cisco_ios')!.collect({
      target: {
        host: '127.0.0.1',
        port,
        username: 'netops',
        password: secrets.devicePassword,
        hostKeyFingerprint: null,
        options: {},
      },
      signal: AbortSignal.timeout(60_000),
      timeouts: { connectMs: 15_000, idleMs: 30_000, overallMs: 60_000 },
      maxTextBytes: 64 * 1024 * 1024,
      scrubSecrets: false,
      spoolDir,
      progress() {},
    });
    assert.equal(artefact.kind, 'text');
    return Buffer.from(artefact.kind === 'text' ? artefact.text : '');
  } finally {
    await rm(spoolDir, { recursive: true, force: true });
  }
}

/** Every object of a git repository, decompressed (a plain file scan can't see into zlib). */
function gitObjects(gitDir: string): Buffer {
  return execFileSync('git', ['-C', gitDir, 'cat-file', '--batch-all-objects', '--batch'], {
    maxBuffer: 512 * 1024 * 1024,
  });
}

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

  // A scrubbing device in a git location, with a user scrub rule on top of the plugin's masks.
  const recording = withSecrets(await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml')));
  scrubbedDevice = await startReplayServer(recording, { username: 'netops', password: secrets.devicePassword });
  const gitPath = 'locations/canary-git';
  const location = await mutate(
    server,
    'createStorageLocation',
    { name: 'canary-git', kind: 'GIT', path: gitPath },
    'storageLocation { id }',
  );
  const withScrub = await createDevice(server, {
    pluginKey: 'cisco_ios',
    port: scrubbedDevice.port,
    credentialId: credential.credential.id,
  });
  await mutate(server, 'updateDevice', { id: withScrub.id, scrubSecrets: true }, 'device { id }');
  await mutate(
    server,
    'setStoragePolicy',
    { deviceId: withScrub.id, storageLocationId: location.storageLocation.id },
    'deviceId',
  );
  await mutate(
    server,
    'createScrubRule',
    { pattern: '^(snmp-server location) .*', replacement: '$1 <location hidden>' },
    'scrubRule { id }',
  );
  const { job } = await triggerBackup(server, withScrub.id);
  const events = await collectSubscription<ProgressEvent>(server.ws(), jobProgressSubscription, { jobId: job!.id });
  assert.equal(events.at(-1)?.jobProgress.status, 'succeeded', JSON.stringify(events.at(-1)));
  scrubbed = {
    deviceId: withScrub.id,
    backupId: events.at(-1)!.jobProgress.backupId!,
    gitPath: join(server.dataDir, gitPath),
    sent: await collectedUnscrubbed(scrubbedDevice.port),
  };

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
  await scrubbedDevice?.close();
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

  it('keeps the secrets of a scrubbed config out of every git object', () => {
    const objects = gitObjects(scrubbed.gitPath);

    assert.ok(objects.includes('snmp-server community <configuration removed>'), 'the masked version is in git');
    assertAbsent(objects, 'a git object', secrets);
  });

  it('shows the scrubbed version with placeholders to everyone, and finds the secrets in no search', async () => {
    const viewer = await createUserAndSignIn(server, 'viewer');
    const asAdmin = await server.gql(
      'query ($id: ID!) { backup(id: $id) { content hasRestorableOriginal originalDownloadUrl } }',
      { id: scrubbed.backupId },
    );
    const asOperator = await server.gql(
      'query ($id: ID!) { backup(id: $id) { hasRestorableOriginal originalDownloadUrl } }',
      { id: scrubbed.backupId },
      tokens.userSession,
    );
    const searches = [];
    for (const pattern of [secrets.configCommunity, secrets.configLocation, 'canary-snmp'])
      searches.push(
        await server.gql(
          'query ($p: String!) { searchConfigs(pattern: $p, latestOnly: false) { ... on SearchConfigsConnection { edges { node { device { id } } } } } }',
          { p: pattern },
        ),
      );

    const content: string = asAdmin.data.backup.content;
    assert.match(content, /^snmp-server community <configuration removed>$/m);
    assert.match(content, /^snmp-server location <location hidden>$/m);
    assertAbsent(content, 'the stored version', secrets);
    assert.equal(asAdmin.data.backup.hasRestorableOriginal, true);
    assert.match(asAdmin.data.backup.originalDownloadUrl, /variant=original/);
    // The operator (night-shift) has no grant on the device: it is simply not there for them.
    assert.equal(asOperator.data.backup, null);
    assert.ok(viewer.token);
    for (const search of searches) assert.deepEqual(search.data.searchConfigs.edges, []);
  });

  it('gives the admin the restorable original byte for byte as the device sent it, audited; viewers and operators get 403', async () => {
    const admin = await server.gql('query ($id: ID!) { backup(id: $id) { originalDownloadUrl } }', {
      id: scrubbed.backupId,
    });
    const operator = await createUserAndSignIn(server, 'operator');
    const viewer = await createUserAndSignIn(server, 'viewer');
    const signer = createDownloadSigner(await loadDownloadKey(undefined, server.dataDir), 300);
    const origin = new URL(admin.data.backup.originalDownloadUrl).origin;
    const originalUrlFor = (userId: string) =>
      `${origin}${signer.pathFor(scrubbed.backupId, userId, Date.now(), 'original')}`;

    const download = await fetch(admin.data.backup.originalDownloadUrl);
    const body = Buffer.from(await download.arrayBuffer());
    const refused = [];
    for (const user of [operator, viewer]) {
      const response = await fetch(originalUrlFor(user.id), { headers: { authorization: `Bearer ${user.token}` } });
      await response.arrayBuffer();
      refused.push(response.status);
    }
    const stored = new URL(admin.data.backup.originalDownloadUrl);
    stored.searchParams.delete('variant');
    const strippedVariant = await fetch(stored);
    await strippedVariant.arrayBuffer();
    const audit = await server.gql('{ auditLog(first: 100) { edges { node { action outcome } } } }');

    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-length'), String(scrubbed.sent.length));
    assert.ok(body.equals(scrubbed.sent), 'the original is what the device sent');
    assert.ok(body.includes(secrets.configCommunity) && body.includes(secrets.configLocation));
    assert.deepEqual(refused, [403, 403]);
    assert.equal(strippedVariant.status, 403, 'the variant is bound into the signature');
    const rows = audit.data.auditLog.edges
      .map((edge: { node: { action: string; outcome: string } }) => edge.node)
      .filter((row: { action: string }) => row.action === 'backup.original.download')
      .map((row: { outcome: string }) => row.outcome)
      .sort();
    assert.deepEqual(rows, ['denied', 'denied', 'success']);
  });

  it('never writes a secret, password or token to a log line', () => {
    assert.ok(server.logLines.length > 0);
    for (const line of server.logLines)
      assertAbsent(line, `a log line (${line.slice(0, 200)})`, { ...secrets, ...tokens });
  });
});
