/**
 * One test per fault: each ends in a classified error code within its timeout, leaves no spool file, and the
 * same pool (or server) serves a normal job right after. The pool tests run the real `createCollectPool`
 * with a worker that wraps the real one (test/support/fault-worker.ts); the runner tests go through the
 * real server with production plugins only.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRecording } from '@devicevault/plugins/replay/load-recording';
import { type ReplayServer, startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { binaryDummyChunks } from '@devicevault/plugins/vendors/binary-dummy';
import type { CollectOutcome } from '../src/jobs/collect-task.js';
import { type CollectPool, createCollectPool } from '../src/jobs/pool.js';
import {
  createCredential,
  createDevice,
  jobProgressSubscription,
  type ProgressEvent,
  triggerBackup,
} from './support/builders.js';
import type { FloodPoolChildResult } from './support/flood-pool-child.js';
import { openSocketsTo } from './support/open-sockets.js';
import { runJsonChild } from './support/run-json-child.js';
import { collectSubscription, startTestServer, type TestServer } from './support/test-server.js';

const faultWorker = new URL('./support/fault-worker.ts', import.meta.url).href;
const floodPoolChild = fileURLToPath(new URL('./support/flood-pool-child.ts', import.meta.url));
const fixtures = fileURLToPath(new URL('../../../packages/plugins/fixtures/device-sessions/', import.meta.url));
const dummySha256 = createHash('sha256')
  .update(Buffer.concat([...binaryDummyChunks()]))
  .digest('hex');

interface JobResult {
  outcome: CollectOutcome;
  elapsedMs: number;
  /** What the job left in its own spool directory. */
  leftovers: string[];
}

describe('the collection pool under faults', () => {
  let pool: CollectPool;
  let spoolRoot: string;

  before(async () => {
    // One thread, so "the next job" must run on whatever replaced a dead or stopped worker.
    pool = createCollectPool(1, { filename: faultWorker });
    spoolRoot = await mkdtemp(join(tmpdir(), 'dv-pool-faults-'));
  });

  after(async () => {
    await pool.close();
    await rm(spoolRoot, { recursive: true, force: true });
  });

  async function runJob(pluginKey: string, timeoutMs = 10_000, maxTextBytes = 64 * 1024 * 1024): Promise<JobResult> {
    const spoolDir = join(spoolRoot, randomUUID());
    await mkdir(spoolDir);
    const started = performance.now();
    const outcome = await pool.run(
      {
        jobId: randomUUID(),
        pluginKey,
        target: { host: '127.0.0.1', port: 22, username: '', password: '', hostKeyFingerprint: null, options: {} },
        timeouts: { connectMs: timeoutMs, idleMs: timeoutMs, overallMs: timeoutMs },
        maxTextBytes,
        scrubSecrets: false,
        spoolDir,
      },
      { signal: AbortSignal.timeout(timeoutMs), onProgress() {} },
    );
    return { outcome, elapsedMs: performance.now() - started, leftovers: await readdir(spoolDir) };
  }

  async function assertNextJobSucceeds(): Promise<void> {
    const { outcome } = await runJob('binary_dummy');
    assert.ok(outcome.ok, `the next job failed: ${JSON.stringify(outcome)}`);
    assert.equal(outcome.sha256, dummySha256);
    assert.ok(outcome.spoolPath, 'a binary comes back as a spool file');
    assert.equal((await readFile(outcome.spoolPath)).length, 1024 * 1024);
  }

  it('fails a plugin that throws with plugin_error, removes its spool file and runs the next job', async () => {
    const { outcome, leftovers } = await runJob('test_throws');

    assert.deepEqual({ ok: outcome.ok, code: !outcome.ok && outcome.code }, { ok: false, code: 'plugin_error' });
    assert.match(!outcome.ok ? outcome.message : '', /Cannot read properties of undefined/);
    assert.deepEqual(leftovers, []);
    await assertNextJobSucceeds();
  });

  it('fails a job whose worker thread exits with worker_died and runs the next job on a new thread', async () => {
    const { outcome, leftovers } = await runJob('test_exits');

    assert.deepEqual({ ok: outcome.ok, code: !outcome.ok && outcome.code }, { ok: false, code: 'worker_died' });
    assert.deepEqual(leftovers, []);
    await assertNextJobSucceeds();
  });

  it('stops a plugin that ignores its deadline with timeout once the timeout passes, not before', async () => {
    const timeoutMs = 1_500;

    const { outcome, elapsedMs, leftovers } = await runJob('test_hangs', timeoutMs);

    assert.deepEqual({ ok: outcome.ok, code: !outcome.ok && outcome.code }, { ok: false, code: 'timeout' });
    assert.ok(elapsedMs >= timeoutMs - 50, `stopped early, after ${Math.round(elapsedMs)} ms`);
    assert.deepEqual(leftovers, []);
    await assertNextJobSucceeds();
  });

  it('refuses text over the cap with output_too_large and a message naming the cap', async () => {
    const { outcome, leftovers } = await runJob('test_floods', 10_000, 64 * 1024);

    assert.deepEqual({ ok: outcome.ok, code: !outcome.ok && outcome.code }, { ok: false, code: 'output_too_large' });
    assert.match(!outcome.ok ? outcome.message : '', /65537 bytes, over the 65536-byte cap/);
    assert.deepEqual(leftovers, []);
    await assertNextJobSucceeds();
  });
});

describe('the job runner under faults', () => {
  const jobTimeoutSeconds = 2;
  let server: TestServer;
  let ios: ReplayServer;
  let silent: ReplayServer;
  let credentialId: string;

  before(async () => {
    server = await startTestServer({ maxTextBytes: 4096, jobTimeoutSeconds });
    const recording = await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml'));
    ios = await startReplayServer(recording, { username: 'netops', password: 'pw' });
    silent = await startReplayServer(recording, { username: 'netops', password: 'pw', fault: 'hang_after_auth' });
    credentialId = (await createCredential(server, { username: 'netops', secret: 'pw' })).id;
  });

  after(async () => {
    await ios.close();
    await silent.close();
    await server.stop();
  });

  async function backUp(device: { pluginKey: string; port?: number }) {
    const created = await createDevice(server, { ...device, credentialId });
    const started = performance.now();
    const { job } = await triggerBackup(server, created.id);
    const events = await collectSubscription<ProgressEvent>(server.ws(), jobProgressSubscription, { jobId: job!.id });
    return { last: events.at(-1)!.jobProgress, elapsedMs: performance.now() - started };
  }

  /** The spool root's entries once the runner is done with the job (it removes the job's dir just after
   * publishing the final event), or what is still there after two seconds. */
  async function spoolEntries(): Promise<string[]> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const entries = await readdir(join(server.dataDir, 'spool')).catch(() => []);
      if (entries.length === 0 || Date.now() > deadline) return entries;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('fails a config larger than the cap with output_too_large, keeps no spool dir and runs the next job', async () => {
    const { last } = await backUp({ pluginKey: 'cisco_ios', port: ios.port });

    assert.deepEqual(
      { status: last.status, errorCode: last.errorCode },
      { status: 'failed', errorCode: 'output_too_large' },
    );
    assert.deepEqual(await spoolEntries(), []);
    const next = await backUp({ pluginKey: 'binary_dummy' });
    assert.equal(next.last.status, 'succeeded');
  });

  it('fails a device that never opens a shell with timeout (the job timeout ends the wait)', async () => {
    const { last } = await backUp({ pluginKey: 'cisco_ios', port: silent.port });

    assert.deepEqual({ status: last.status, errorCode: last.errorCode }, { status: 'failed', errorCode: 'timeout' });
    assert.deepEqual(await spoolEntries(), []);
    const next = await backUp({ pluginKey: 'binary_dummy' });
    assert.equal(next.last.status, 'succeeded');
  });
});

describe('a device flooding output, as the server runs it', () => {
  it('fails the job with output_too_large and grows the process by at most 150 MB at a 64 MiB cap', async () => {
    const cap = 64 * 1024 * 1024;
    const recording = await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml'));
    const flood = await startReplayServer(recording, { username: 'oxidized', password: 'rocks', fault: 'flood' });
    try {
      const result = await runJsonChild<FloodPoolChildResult>(floodPoolChild, [
        'cisco_ios',
        String(flood.port),
        String(cap),
      ]);

      assert.equal(result.code, 'output_too_large');
      const growth = result.peakRss - result.baselineRss;
      assert.ok(growth <= 150 * 1000 * 1000, `RSS grew by ${Math.round(growth / 1e6)} MB`);
    } finally {
      await flood.close();
    }
  });
});

describe('sockets to devices, as the server runs jobs', () => {
  let pool: CollectPool;
  let spoolRoot: string;
  let recording: Awaited<ReturnType<typeof loadRecording>>;

  before(async () => {
    // One thread, parked between jobs the way piscina parks idle workers: nothing may be left for it to close.
    pool = createCollectPool(1);
    spoolRoot = await mkdtemp(join(tmpdir(), 'dv-pool-sockets-'));
    recording = await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml'));
  });

  after(async () => {
    await pool.close();
    await rm(spoolRoot, { recursive: true, force: true });
  });

  async function runIos(port: number, password = 'pw'): Promise<CollectOutcome> {
    const spoolDir = join(spoolRoot, randomUUID());
    await mkdir(spoolDir);
    const timeouts = { connectMs: 60_000, idleMs: 60_000, overallMs: 120_000 };
    return pool.run(
      {
        jobId: randomUUID(),
        pluginKey: 'cisco_ios',
        target: { host: '127.0.0.1', port, username: 'netops', password, hostKeyFingerprint: null, options: {} },
        timeouts,
        maxTextBytes: 64 * 1024 * 1024,
        scrubSecrets: false,
        spoolDir,
      },
      { signal: AbortSignal.timeout(timeouts.overallMs), onProgress() {} },
    );
  }

  it('fails a peer that sends garbage instead of an SSH banner with protocol_error', async () => {
    const garbage = await startGarbageService();
    try {
      const outcome = await runIos(garbage.port);

      assert.deepEqual({ ok: outcome.ok, code: !outcome.ok && outcome.code }, { ok: false, code: 'protocol_error' });
    } finally {
      await garbage.close();
    }
  });

  it('leaves no socket open to a device once its job has ended: succeeded, failed, cut off or not SSH', async () => {
    const normal = await startReplayServer(recording, { username: 'netops', password: 'pw' });
    const dropping = await startReplayServer(recording, {
      username: 'netops',
      password: 'pw',
      fault: 'drop_mid_output',
    });
    const garbage = await startGarbageService();
    try {
      const runs = [
        { port: normal.port, password: 'pw', code: 'ok' },
        { port: normal.port, password: 'wrong', code: 'auth_failed' },
        { port: dropping.port, password: 'pw', code: 'connection_dropped' },
        { port: garbage.port, password: 'pw', code: 'protocol_error' },
      ];

      for (const run of runs) {
        const outcome = await runIos(run.port, run.password);

        assert.equal(outcome.ok ? 'ok' : outcome.code, run.code);
        assert.deepEqual(await openSocketsTo(run.port), [], `a socket to port ${run.port} outlived its job`);
      }
    } finally {
      await normal.close();
      await dropping.close();
      await garbage.close();
    }
  });
});

/** A TCP port that answers with bytes that are not an SSH banner, then stays open and silent. */
async function startGarbageService(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.write('\x16\x03\x01garbage\r\x00 not an SSH banner');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
