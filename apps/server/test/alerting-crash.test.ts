/**
 * A server killed with SIGKILL while 100 notifications wait in its outbox (the receiver refused them so
 * far) loses none: after a restart on the same database every one is delivered, and none twice (the
 * receiver counts each event id it accepted). A real `main.ts` process on PGlite or PostgreSQL.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eventually, startHttpReceiver } from './support/alert-receivers.js';
import { freshDatabaseUrl } from './support/test-database.js';
import { type GqlData, signIn } from './support/test-server.js';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const adminPassword = 'alerting-crash-password';
const deviceCount = 100;

describe('a server killed with SIGKILL with 100 undelivered notifications', () => {
  let dataDir: string;
  let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;
  let http: Awaited<ReturnType<typeof startHttpReceiver>>;
  let server: { process: ChildProcess; url: string } | undefined;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dv-alert-crash-'));
    database = await freshDatabaseUrl();
    http = await startHttpReceiver();
  });

  after(async () => {
    server?.process.kill('SIGTERM');
    if (server) await exited(server.process);
    await http.close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function startServer(): Promise<{ process: ChildProcess; url: string }> {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts'], {
      cwd: serverDir,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        DEVICEVAULT_DATA_DIR: dataDir,
        DEVICEVAULT_DEMO: '0',
        DEVICEVAULT_ADMIN_PASSWORD: adminPassword,
        DEVICEVAULT_NOTIFY_RETRY_BASE_SECONDS: '0.5',
        DEVICEVAULT_NOTIFY_TIMEOUT_SECONDS: '2',
        DEVICEVAULT_LOG_LEVEL: 'info',
        DATABASE_URL: database.url ?? '',
      },
    });
    const port = await new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        if (line.includes('DeviceVault server listening')) resolve(JSON.parse(line).port);
      });
      child.once('exit', (code) => reject(new Error(`the server exited with ${code} before listening`)));
    });
    return { process: child, url: `http://127.0.0.1:${port}` };
  }

  async function gql(url: string, token: string, query: string, variables: Record<string, unknown> = {}) {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const result = (await response.json()) as { data?: GqlData; errors?: unknown[] };
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!;
  }

  it('delivers every one after a restart, none twice', async () => {
    http.script('/hook', Array(100_000).fill(503));
    server = await startServer();
    let token = await signIn(server.url, 'admin', adminPassword);
    const channel = await gql(
      server.url,
      token,
      'mutation ($input: CreateNotificationChannelInput!) { createNotificationChannel(input: $input) { ... on CreateNotificationChannelSuccess { channel { id } } } }',
      { input: { name: 'crash-hook', kind: 'WEBHOOK', url: `${http.url}/hook` } },
    );
    await gql(
      server.url,
      token,
      'mutation ($input: CreateAlertRuleInput!) { createAlertRule(input: $input) { __typename } }',
      {
        input: {
          name: 'crash-rule',
          kinds: ['BACKUP_FAILED'],
          channelIds: [channel.createNotificationChannel.channel.id],
        },
      },
    );
    const credential = await gql(
      server.url,
      token,
      'mutation { createCredential(input: { name: "c", username: "u", secret: "crash-secret" }) { ... on CreateCredentialSuccess { credential { id } } } }',
    );
    const deviceIds: string[] = [];
    for (let i = 0; i < deviceCount; i++) {
      // Nothing listens on port 1: each backup fails once (refused; no collection group, no retry).
      const created = await gql(
        server.url,
        token,
        'mutation ($input: CreateDeviceInput!) { createDevice(input: $input) { ... on CreateDeviceSuccess { device { id } } } }',
        {
          input: {
            name: `down-${i}`,
            host: '127.0.0.1',
            port: 1,
            pluginKey: 'cisco_ios',
            credentialId: credential.createCredential.credential.id,
          },
        },
      );
      deviceIds.push(created.createDevice.device.id);
    }
    await gql(
      server.url,
      token,
      'mutation ($input: TriggerBackupInput!) { triggerBackup(input: $input) { __typename } }',
      {
        input: { deviceIds },
      },
    );
    const refusedIds = () => new Set(http.posts.filter((post) => post.path === '/hook').map((post) => post.json.id));
    await eventually(() => refusedIds().size === deviceCount, 'every notification tried and refused once');

    server.process.kill('SIGKILL');
    await exited(server.process);
    http.script('/hook', []);
    const refusedBefore = refusedIds().size;
    server = await startServer();
    token = await signIn(server.url, 'admin', adminPassword);
    const accepted = () => http.delivered('/hook').map((post) => String(post.json.id));
    await eventually(() => new Set(accepted()).size === deviceCount, 'every notification delivered after the restart');
    await eventually(async () => {
      const data = await gql(
        server!.url,
        token,
        '{ notifications(first: 100, filter: { states: ["pending"] }) { edges { node { id } } } }',
      );
      return data.notifications.edges.length === 0;
    }, 'the outbox empty');

    const counts = new Map<string, number>();
    for (const id of accepted()) counts.set(id, (counts.get(id) ?? 0) + 1);
    assert.equal(refusedBefore, deviceCount);
    assert.equal(counts.size, deviceCount);
    assert.deepEqual([...new Set(counts.values())], [1], 'an event was delivered more than once');
  });
});

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
