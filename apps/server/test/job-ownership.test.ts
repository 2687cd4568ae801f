/**
 * A job has one owner and one outcome. The queue functions against a bare database (nothing else moves the
 * jobs), then the whole server with its main thread blocked for twice the lease while jobs are in flight.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRecording } from '@devicevault/plugins/replay/load-recording';
import { type ReplayServer, startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { devices, type JobRow, jobs } from '@devicevault/schema/db/tables';
import { eq, inArray, sql } from 'drizzle-orm';
import type { OpenDatabase } from '../src/db/open-database.js';
import { requeueInterruptedJobs } from '../src/jobs/interrupted-jobs.js';
import { appendJobLog, claimNextJob, maxInterruptions, renewLease } from '../src/jobs/job-queue.js';
import { createCredential, createDevice, triggerBackup } from './support/builders.js';
import { openTestDatabase } from './support/test-database.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const fixtures = fileURLToPath(new URL('../../../packages/plugins/fixtures/device-sessions/', import.meta.url));
const terminal = new Set(['succeeded', 'failed']);

describe('the job queue', () => {
  let database: OpenDatabase;
  let closeDatabase: () => Promise<void>;

  before(async () => {
    ({ database, close: closeDatabase } = await openTestDatabase('dv-job-queue-'));
  });

  after(() => closeDatabase());

  async function queuedJob(): Promise<string> {
    const [device] = await database.db
      .insert(devices)
      .values({ name: `dev-${Math.random()}`, host: '127.0.0.1', pluginKey: 'noop' })
      .returning();
    const [job] = await database.db.insert(jobs).values({ deviceId: device!.id }).returning();
    return job!.id;
  }

  async function expire(jobId: string) {
    await database.db.execute(sql`update jobs set lease_expires_at = now() - interval '1 second' where id = ${jobId}`);
  }

  async function row(jobId: string): Promise<JobRow> {
    const [job] = await database.db.select().from(jobs).where(eq(jobs.id, jobId));
    return job!;
  }

  it('never claims or requeues a job its own runner is running, even after its lease lapsed', async () => {
    const jobId = await queuedJob();
    const claimed = await claimNextJob(database.db, 'runner-a', 60_000, []);
    await expire(jobId);

    const again = await claimNextJob(database.db, 'runner-a', 60_000, [jobId]);
    const requeued = await requeueInterruptedJobs(database.db, [jobId]);
    const renewed = await renewLease(database.db, { jobId, owner: 'runner-a', attempt: claimed!.attempts }, 60_000);

    assert.equal(claimed?.id, jobId);
    assert.equal(again, null);
    assert.deepEqual(requeued, []);
    assert.equal(renewed, true, 'nobody else took it, so the lease is still ours to renew');
  });

  it('stops a runner whose job another runner took: its renewal and its writes change nothing', async () => {
    const jobId = await queuedJob();
    const first = await claimNextJob(database.db, 'runner-a', 60_000, []);
    const lease = { jobId, owner: 'runner-a', attempt: first!.attempts };
    await expire(jobId);
    await requeueInterruptedJobs(database.db, []);
    const second = await claimNextJob(database.db, 'runner-b', 60_000, []);

    const renewed = await renewLease(database.db, lease, 60_000);
    const line = { seq: 99, at: new Date().toISOString(), status: 'failed' as const, message: 'late' };
    const written = await appendJobLog(database.db, lease, line, { errorCode: 'worker_died' });

    assert.equal(second?.id, jobId);
    assert.deepEqual({ renewed, written }, { renewed: false, written: false });
    assert.deepEqual(
      { status: (await row(jobId)).status, owner: (await row(jobId)).leaseOwner },
      { status: 'running', owner: 'runner-b' },
    );
  });

  it('requeues a dead runner’s job without counting an attempt, and writes a terminal line only once', async () => {
    const jobId = await queuedJob();
    const first = await claimNextJob(database.db, 'runner-a', 60_000, []);
    await expire(jobId);

    const [requeued] = await requeueInterruptedJobs(database.db, []);
    const afterRequeue = await row(jobId);
    const second = await claimNextJob(database.db, 'runner-b', 60_000, []);
    const lease = { jobId, owner: 'runner-b', attempt: second!.attempts };
    const done = { seq: 5, at: new Date().toISOString(), status: 'succeeded' as const, message: 'done' };
    const firstWrite = await appendJobLog(database.db, lease, done, { leaseOwner: null });
    const secondWrite = await appendJobLog(database.db, { ...lease }, { ...done, seq: 6 }, {});

    assert.equal(first!.attempts, 1);
    assert.deepEqual(
      { status: requeued?.line.status, attempts: afterRequeue.attempts, interruptions: afterRequeue.interruptions },
      { status: 'queued', attempts: 0, interruptions: 1 },
    );
    assert.equal(second!.attempts, 1);
    assert.deepEqual({ firstWrite, secondWrite }, { firstWrite: true, secondWrite: false });
    assert.equal((await row(jobId)).log.filter((line) => terminal.has(line.status)).length, 1);
  });

  it(`fails a job with worker_died once ${maxInterruptions} runners died running it`, async () => {
    const jobId = await queuedJob();

    for (let i = 0; i < maxInterruptions; i++) {
      await claimNextJob(database.db, `runner-${i}`, 60_000, []);
      await expire(jobId);
      await requeueInterruptedJobs(database.db, []);
    }

    const job = await row(jobId);
    assert.deepEqual(
      { status: job.status, errorCode: job.errorCode, interruptions: job.interruptions },
      { status: 'failed', errorCode: 'worker_died', interruptions: maxInterruptions },
    );
    assert.equal(job.log.filter((line) => terminal.has(line.status)).length, 1);
    assert.equal(job.log.filter((line) => line.status === 'queued').length, maxInterruptions - 1);
  });
});

describe('a server whose main thread is blocked for twice the job lease', () => {
  const leaseSeconds = 2;
  let server: TestServer;
  let ios: ReplayServer;

  before(async () => {
    server = await startTestServer({ jobLeaseSeconds: leaseSeconds, workers: 2 });
    const recording = await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml'));
    ios = await startReplayServer(recording, { username: 'netops', password: 'pw' });
  });

  after(async () => {
    await ios.close();
    await server.stop();
  });

  async function jobRows(ids: string[]): Promise<JobRow[]> {
    return server.app.database.db.select().from(jobs).where(inArray(jobs.id, ids));
  }

  async function until(what: string, check: () => Promise<boolean>) {
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`${what} never happened`);
  }

  it('lets every job in flight end once, succeeded, with its spool intact until stored', async () => {
    const { id: credentialId } = await createCredential(server, { username: 'netops', secret: 'pw' });
    const created = await Promise.all(
      Array.from({ length: 6 }, () => createDevice(server, { pluginKey: 'cisco_ios', port: ios.port, credentialId })),
    );
    const jobIds = (await Promise.all(created.map((device) => triggerBackup(server, device.id)))).map(
      (result) => result.job!.id,
    );
    await until('a job running', async () => (await jobRows(jobIds)).some((job) => job.status === 'running'));

    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2 * leaseSeconds * 1000);
    await until('every job finished', async () => (await jobRows(jobIds)).every((job) => terminal.has(job.status)));

    const finished = await jobRows(jobIds);
    for (const job of finished) {
      const ends = job.log.filter((line) => terminal.has(line.status));
      assert.deepEqual(
        { status: job.status, error: job.errorMessage, ends: ends.length, attempts: job.attempts },
        { status: 'succeeded', error: null, ends: 1, attempts: 1 },
        JSON.stringify(job.log),
      );
    }
    const versions = await server.gql(
      'query ($id: ID!) { device(id: $id) { backups(first: 5) { edges { node { id } } } } }',
      { id: created[0]!.id },
    );
    assert.equal(versions.data.device.backups.edges.length, 1);
    // Each job removes its spool directory just after its final line (a text job's config never reaches the
    // spool, so the spool root may not even exist).
    const spoolEntries = () => readdir(join(server.dataDir, 'spool')).catch(() => []);
    await until('the spool emptied', async () => (await spoolEntries()).length === 0);
  });
});
