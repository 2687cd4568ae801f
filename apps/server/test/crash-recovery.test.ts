/**
 * A server process killed with SIGKILL mid-run loses no backup: the jobs it had in flight go back to the
 * queue once their lease expires (without counting as an attempt), the restarted server runs them, and the
 * spool directories the dead process left are swept. A real `main.ts` process on PGlite or PostgreSQL, a
 * 2-second lease (DEVICEVAULT_JOB_LEASE_SECONDS), replayed SSH devices served from this test process.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRecording } from '@devicevault/plugins/replay/load-recording';
import { type ReplayServer, startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { createDeviceMutation } from './support/builders.js';
import { freshDatabaseUrl } from './support/test-database.js';
import { signIn } from './support/test-server.js';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const fixtures = fileURLToPath(new URL('../../../packages/plugins/fixtures/device-sessions/', import.meta.url));
const adminPassword = 'crash-recovery-password';
const deviceCount = 100;
const kills = 3;
// What the devices answer reaches the server this much later, so a job lasts seconds and a kill finds some in
// flight: with faster collection, a clean clone on PostgreSQL finished all 100 between the triggers and the
// first look, and no kill ever happened.
const answerDelayMs = 150;

/** A TCP relay to `port` that delays what comes back (in order); resolves with its own port. */
async function startSlowRelay(port: number): Promise<Server> {
  const relay = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    client.pipe(upstream);
    upstream.on('data', (chunk) => setTimeout(() => client.write(chunk), answerDelayMs));
    upstream.on('end', () => setTimeout(() => client.end(), answerDelayMs));
    // A killed server's sockets simply go away: neither side may throw in the test process.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return relay;
}

interface JobState {
  status: string;
  attempts: number;
  log: { status: string; message: string }[];
  backup: { id: string } | null;
}

describe('a server killed with SIGKILL up to three times while backing up 100 devices', () => {
  let dataDir: string;
  let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;
  const replays: ReplayServer[] = [];
  const relays: Server[] = [];
  let server: { process: ChildProcess; url: string } | undefined;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dv-crash-'));
    database = await freshDatabaseUrl();
    const recording = await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml'));
    for (let i = 0; i < 4; i++) {
      const replay = await startReplayServer(recording, { username: 'netops', password: 'pw' });
      replays.push(replay);
      relays.push(await startSlowRelay(replay.port));
    }
  });

  after(async () => {
    server?.process.kill('SIGTERM');
    if (server) await exited(server.process);
    for (const relay of relays) relay.close();
    await Promise.all(replays.map((replay) => replay.close()));
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Starts `main.ts` on a free port and resolves once it listens. */
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
        DEVICEVAULT_JOB_LEASE_SECONDS: '2',
        DEVICEVAULT_LOG_LEVEL: 'info',
        DATABASE_URL: database.url ?? '',
      },
    });
    const port = await new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        if (!line.includes('DeviceVault server listening')) return;
        resolve(JSON.parse(line).port);
      });
      child.once('exit', (code) => reject(new Error(`the server exited with ${code} before listening`)));
    });
    return { process: child, url: `http://127.0.0.1:${port}` };
  }

  async function gql(query: string, variables: Record<string, unknown>, token: string) {
    const response = await fetch(`${server!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const result = await response.json();
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data;
  }

  async function jobStates(jobIds: string[], token: string): Promise<JobState[]> {
    const fields = jobIds.map(
      (id, i) => `j${i}: job(id: "${id}") { status attempts log { status message } backup { id } }`,
    );
    const data = await gql(`{ ${fields.join('\n')} }`, {}, token);
    return jobIds.map((_, i) => data[`j${i}`]);
  }

  it('ends with 100/100 succeeded, one version per device and an empty spool', async () => {
    server = await startServer();
    let token = await signIn(server.url, 'admin', adminPassword);
    const credential = await gql(
      'mutation ($input: CreateCredentialInput!) { createCredential(input: $input) { ... on CreateCredentialSuccess { credential { id } } } }',
      { input: { name: 'netops', username: 'netops', secret: 'pw' } },
      token,
    );
    const credentialId = credential.createCredential.credential.id;
    const deviceIds: string[] = [];
    for (let i = 0; i < deviceCount; i++) {
      const input = {
        name: `crash-${i}`,
        host: '127.0.0.1',
        port: (relays[i % 4]!.address() as { port: number }).port,
        pluginKey: 'cisco_ios',
      };
      const created = await gql(createDeviceMutation, { input: { ...input, credentialId } }, token);
      deviceIds.push(created.createDevice.device.id);
    }
    const jobIds: string[] = [];
    for (const deviceId of deviceIds) {
      const triggered = await gql(
        'mutation ($input: TriggerBackupInput!) { triggerBackup(input: $input) { ... on TriggerBackupSuccess { job { id } } } }',
        { input: { deviceId } },
        token,
      );
      jobIds.push(triggered.triggerBackup.job.id);
    }

    for (let kill = 0; kill < kills; kill++) {
      // Killed while a job runs; once every job has ended there is nothing left to interrupt (a fast machine
      // can finish the rest between two looks), and `interrupted` below still demands the first kill hit one.
      const states = await until('a job running, or every job ended', async () => {
        const all = await jobStates(jobIds, token);
        const running = all.some((job) => job.status === 'running');
        return (running || all.every((job) => job.status === 'succeeded' || job.status === 'failed')) && all;
      });
      if (!states.some((job) => job.status === 'running')) break;
      server.process.kill('SIGKILL');
      await exited(server.process);
      server = await startServer();
      token = await signIn(server.url, 'admin', adminPassword);
    }
    const finished = await until('every job finished', async () => {
      const states = await jobStates(jobIds, token);
      return states.every((job) => job.status === 'succeeded' || job.status === 'failed') && states;
    });

    const failures = finished.filter((job) => job.status !== 'succeeded').map((job) => job.log.at(-1)?.message);
    assert.deepEqual(failures, []);
    const interrupted = finished.filter((job) => job.log.some((line) => line.message.includes('runs again')));
    assert.ok(interrupted.length > 0, 'no kill hit a job in flight');
    for (const job of finished) {
      assert.equal(job.log.filter((line) => line.status === 'succeeded').length, 1);
      assert.equal(job.attempts, 1, 'a job interrupted by a dead process counts one attempt');
    }
    const versions = await gql(
      '{ devices(first: 100) { edges { node { backups(first: 5) { edges { node { id } } } } } } }',
      {},
      token,
    );
    const perDevice = versions.devices.edges.map(
      (edge: { node: { backups: { edges: unknown[] } } }) => edge.node.backups.edges.length,
    );
    assert.deepEqual(new Set(perDevice), new Set([1]));
    assert.equal(perDevice.length, deviceCount);
    await until('the spool emptied', async () => (await readdir(join(dataDir, 'spool')).catch(() => [])).length === 0);
  });
});

async function until<T>(what: string, probe: () => Promise<T | false>): Promise<T> {
  for (const deadline = Date.now() + 5 * 60_000; Date.now() < deadline; ) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} never happened`);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
