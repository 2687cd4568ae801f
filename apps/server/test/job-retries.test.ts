/**
 * Retries: a transient failure (here: the device refuses connections) is retried with exponential backoff
 * and jitter up to the collection group's maxAttempts, each attempt's lines kept on the job; a permanent one
 * (a wrong password) fails once.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRecording } from '@devicevault/plugins/replay/load-recording';
import { type ReplayServer, startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { type JobRow, jobs } from '@devicevault/schema/db/tables';
import { eq } from 'drizzle-orm';
import { retryDelayMs } from '../src/jobs/failure-step.js';
import { createCollectionGroup } from './support/api-builders.js';
import { createCredential, triggerBackup } from './support/builders.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const fixtures = fileURLToPath(new URL('../../../packages/plugins/fixtures/device-sessions/', import.meta.url));
const baseSeconds = 1;

async function until<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let waited = 0; waited < 180_000; waited += 50) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

/** A free port nothing listens on (connections are refused until `open` forwards it to the device). */
async function refusingPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function forward(port: number, to: number): Promise<Server> {
  const proxy = createServer((socket) => {
    const target = connect(to, '127.0.0.1');
    socket.pipe(target).pipe(socket);
    target.on('error', () => socket.destroy());
    socket.on('error', () => target.destroy());
  });
  return new Promise((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(port, '127.0.0.1', () => resolve(proxy));
  });
}

describe('retries', () => {
  let server: TestServer;
  let device: ReplayServer;
  let groupId: string;

  before(async () => {
    server = await startTestServer({ retryBaseSeconds: baseSeconds });
    device = await startReplayServer(
      await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml')),
      {
        username: 'netops',
        password: 'right-password',
      },
    );
    groupId = (await createCollectionGroup(server)).id;
  });
  after(async () => {
    await device?.close();
    await server?.stop();
  });

  async function deviceAt(port: number, secret: string) {
    const credential = await createCredential(server, { username: 'netops', secret });
    const created = await server.gql(
      `mutation ($input: CreateDeviceInput!) { createDevice(input: $input) { ... on CreateDeviceSuccess { device { id } } } }`,
      {
        input: {
          name: `retry-${Math.random().toString(36).slice(2)}`,
          host: '127.0.0.1',
          port,
          pluginKey: 'cisco_ios',
          credentialId: credential.id,
          collectionGroupId: groupId,
        },
      },
    );
    return created.data.createDevice.device.id as string;
  }

  const readJob = async (id: string) => (await server.app.database.db.select().from(jobs).where(eq(jobs.id, id)))[0]!;

  it('ends succeeded on attempt 3 when the device refuses twice and then answers, with backoff between attempts', async () => {
    const port = await refusingPort();
    const deviceId = await deviceAt(port, 'right-password');

    const { job } = await triggerBackup(server, deviceId);
    await until(async () => {
      const row = await readJob(job!.id);
      return row.log.filter((line) => line.errorCode === 'connection_refused').length >= 2 ? row : undefined;
    }, 'two refused attempts');
    const proxy = await forward(port, device.port);
    let done: JobRow;
    try {
      done = await until(async () => {
        const row = await readJob(job!.id);
        return ['succeeded', 'failed'].includes(row.status) ? row : undefined;
      }, 'the job ended');
    } finally {
      proxy.close();
    }

    assert.deepEqual(
      { status: done.status, attempts: done.attempts, maxAttempts: done.maxAttempts },
      {
        status: 'succeeded',
        attempts: 3,
        maxAttempts: 3,
      },
    );
    const starts = done.log.filter((line) => line.status === 'running' && line.message.startsWith('Collecting'));
    assert.deepEqual(
      starts.map((line) => line.attempt),
      [1, 2, 3],
    );
    const retries = done.log.filter((line) => line.status === 'queued' && line.errorCode === 'connection_refused');
    assert.deepEqual(
      retries.map((line) => line.attempt),
      [1, 2],
    );
    // Each retry waited at least its backoff: base × 2^(attempt−1).
    const gaps = [1, 2].map((i) => Date.parse(starts[i]!.at) - Date.parse(retries[i - 1]!.at));
    assert.ok(gaps[0]! >= baseSeconds * 1000 - 50, `first backoff ${gaps[0]} ms`);
    assert.ok(gaps[1]! >= baseSeconds * 2000 - 50, `second backoff ${gaps[1]} ms`);
  });

  it('fails a wrong password once, without a retry', async () => {
    const deviceId = await deviceAt(device.port, 'wrong-password');

    const { job } = await triggerBackup(server, deviceId);
    const done = await until(async () => {
      const row = await readJob(job!.id);
      return ['succeeded', 'failed'].includes(row.status) ? row : undefined;
    }, 'the job ended');

    assert.deepEqual(
      { status: done.status, errorCode: done.errorCode, attempts: done.attempts },
      { status: 'failed', errorCode: 'auth_failed', attempts: 1 },
    );
    assert.equal(done.log.filter((line) => line.status === 'queued').length, 1);
  });

  it('grows the delay exponentially with up to half again of jitter', () => {
    const delays = [1, 2, 3, 4].map((attempt) => [
      retryDelayMs(attempt, 1000, () => 0),
      retryDelayMs(attempt, 1000, () => 0.999),
    ]);

    assert.deepEqual(
      delays.map(([low]) => low),
      [1000, 2000, 4000, 8000],
    );
    assert.ok(delays.every(([low, high]) => high! > low! && high! < low! * 1.5));
  });
});
