/**
 * Every progress line a plugin sends reaches its job's log, in order, including the lines sent just before
 * the collection ends (the pool reads the progress port up to the worker's end marker). Many jobs at 16
 * workers against replayed SSH devices, as a fleet run would.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRecording } from '@devicevault/plugins/replay/load-recording';
import { type ReplayServer, startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { devices, type JobRow, jobs } from '@devicevault/schema/db/tables';
import { inArray } from 'drizzle-orm';
import { createCollectPool } from '../src/jobs/pool.js';
import { createCredential, triggerBackup } from './support/builders.js';
import { chattyLines } from './support/chatty-worker.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const fixtures = fileURLToPath(new URL('../../../packages/plugins/fixtures/device-sessions/', import.meta.url));
const jobCount = 120;
const chattyWorker = new URL('./support/chatty-worker.ts', import.meta.url).href;

describe('the collection pool at 16 workers', () => {
  it('delivers every progress line of 1,000 tasks, in order, even those sent just before each task returned', async () => {
    const pool = createCollectPool(16, { filename: chattyWorker });
    const spoolRoot = await mkdtemp(join(tmpdir(), 'dv-chatty-'));
    try {
      const received = await Promise.all(
        Array.from({ length: 1_000 }, async () => {
          const spoolDir = join(spoolRoot, randomUUID());
          await mkdir(spoolDir);
          const lines: string[] = [];
          const outcome = await pool.run(
            {
              jobId: randomUUID(),
              pluginKey: 'test_chatty',
              target: {
                host: '127.0.0.1',
                port: 22,
                username: '',
                password: '',
                hostKeyFingerprint: null,
                options: {},
              },
              timeouts: { connectMs: 60_000, idleMs: 60_000, overallMs: 60_000 },
              maxTextBytes: 1024 * 1024,
              scrubSecrets: false,
              spoolDir,
            },
            { signal: AbortSignal.timeout(120_000), onProgress: (progress) => lines.push(progress.message ?? '') },
          );
          assert.ok(outcome.ok, JSON.stringify(outcome));
          return lines;
        }),
      );

      const expected = Array.from({ length: chattyLines }, (_, i) => `line ${i + 1}`);
      const incomplete = received.filter((lines) => JSON.stringify(lines) !== JSON.stringify(expected));
      assert.equal(incomplete.length, 0, `${incomplete.length} of 1000 tasks lost or reordered lines`);
    } finally {
      await pool.close();
      await rm(spoolRoot, { recursive: true, force: true });
    }
  });
});

describe('job logs of a fleet run at 16 workers', () => {
  let server: TestServer;
  const replays: ReplayServer[] = [];

  before(async () => {
    server = await startTestServer({ workers: 16 });
    const recording = await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml'));
    for (let i = 0; i < 4; i++)
      replays.push(await startReplayServer(recording, { username: 'netops', password: 'pw' }));
  });

  after(async () => {
    await Promise.all(replays.map((replay) => replay.close()));
    await server.stop();
  });

  it(`holds every line each plugin sent, in order, in each of ${jobCount} jobs`, async () => {
    const { id: credentialId } = await createCredential(server, { username: 'netops', secret: 'pw' });
    const created = await server.app.database.db
      .insert(devices)
      .values(
        Array.from({ length: jobCount }, (_, i) => ({
          name: `fleet-${i}`,
          host: '127.0.0.1',
          port: replays[i % replays.length]!.port,
          pluginKey: 'cisco_ios',
          credentialId,
        })),
      )
      .returning({ id: devices.id });

    const jobIds = [];
    for (const device of created) jobIds.push((await triggerBackup(server, device.id)).job!.id);
    const finished = await allFinished(server, jobIds);

    assert.deepEqual(
      finished.filter((job) => job.status !== 'succeeded').map((job) => job.errorMessage),
      [],
    );
    const sent = (job: JobRow) => job.log.filter((line) => line.message.startsWith('running ')).map((l) => l.message);
    const union = new Set(finished.flatMap(sent));
    const expected = sent(finished[0]!);
    assert.ok(expected.length >= 3 && expected.length === union.size, `first job's lines: ${expected}`);
    const incomplete = finished.filter((job) => JSON.stringify(sent(job)) !== JSON.stringify(expected));
    assert.deepEqual(
      incomplete.map((job) => sent(job)),
      [],
      `${incomplete.length} of ${jobCount} jobs lost lines`,
    );
    for (const job of finished) {
      const seqs = job.log.map((line) => line.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
      );
    }
  });
});

async function allFinished(server: TestServer, jobIds: string[]): Promise<JobRow[]> {
  for (const deadline = Date.now() + 10 * 60_000; Date.now() < deadline; ) {
    const rows = await server.app.database.db.select().from(jobs).where(inArray(jobs.id, jobIds));
    if (rows.every((job) => job.status === 'succeeded' || job.status === 'failed')) return rows;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the jobs never finished');
}
