/**
 * Progress lines go out live as a plugin says them, before they are stored (issue 12 item 6: live progress
 * no longer waits up to a second for its write), still in seq order behind a line being written; a
 * jobProgress subscriber that arrives between a line's publication and its write still gets every line,
 * once, in order (its replay re-reads the log for the gap).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jobs } from '@devicevault/schema/db/tables';
import type { JobProgressEvent } from '@devicevault/schema/pubsub';
import { eq } from 'drizzle-orm';
import { createJobLog } from '../src/jobs/job-log.js';
import type { Lease } from '../src/jobs/job-queue.js';
import { createDevice } from './support/builders.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const patienceMs = 2 * 60_000;

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (const deadline = Date.now() + patienceMs; Date.now() < deadline; ) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never happened: ${what}`);
}

describe('live progress lines', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  /** A job held by this test's own lease (the server's runner never sees it queued). */
  async function runningJob() {
    const device = await createDevice(server, { pluginKey: 'noop' });
    const { db } = server.app.database;
    const [job] = await db
      .insert(jobs)
      .values({
        deviceId: device.id,
        trigger: 'manual',
        status: 'running',
        attempts: 1,
        leaseOwner: 'live-progress-test',
        leaseExpiresAt: new Date(Date.now() + 30 * 60_000),
        log: [{ seq: 0, at: new Date().toISOString(), status: 'queued', message: 'Queued by the test' }],
      })
      .returning();
    const lease: Lease = { jobId: job!.id, owner: 'live-progress-test', attempt: 1 };
    const storedSeqs = async () =>
      (await db.select({ log: jobs.log }).from(jobs).where(eq(jobs.id, job!.id)))[0]!.log.map((line) => line.seq);
    return { job: { ...job!, deviceGroupId: null }, lease, storedSeqs, db };
  }

  it('publishes a progress line before it is stored, and stores it with the next line', async () => {
    const { job, lease, storedSeqs, db } = await runningJob();
    const seen: JobProgressEvent[] = [];
    const live = server.app.pubsub.subscribe('jobProgress', job.id);
    void (async () => {
      for await (const event of live) seen.push(event);
    })();
    const log = createJobLog({ db, pubsub: server.app.pubsub }, job, lease);
    log.progress('Connected');
    await until('the progress line is published', () => (seen.length === 1 ? true : undefined));
    assert.deepEqual(await storedSeqs(), [0], 'published before its write');
    assert.equal(await log.add('storing', 'Storing 1 B (text)'), true);
    assert.deepEqual(await storedSeqs(), [0, 1, 2]);
    assert.deepEqual(
      seen.map((event) => [event.seq, event.status]),
      [
        [1, 'running'],
        [2, 'storing'],
      ],
    );
    await live.return?.();
  });

  it('publishes a progress line made while an added line is being written only after that line', async () => {
    const { job, lease, db } = await runningJob();
    const seen: number[] = [];
    const live = server.app.pubsub.subscribe('jobProgress', job.id);
    void (async () => {
      for await (const event of live) seen.push(event.seq);
    })();
    const log = createJobLog({ db, pubsub: server.app.pubsub }, job, lease);
    const stored = log.add('running', 'Logged in');
    log.progress('Reading the configuration');
    log.progress('Read 2 KB');
    await stored;
    await log.settled();
    await until('three lines', () => (seen.length === 3 ? true : undefined));
    assert.deepEqual(seen, [1, 2, 3]);
    await live.return?.();
  });

  it('gives a jobProgress subscriber that read the log before a published line was stored every line, in order', async () => {
    const { job, lease, storedSeqs, db } = await runningJob();
    const log = createJobLog({ db, pubsub: server.app.pubsub }, job, lease);
    log.progress('Connected'); // seq 1: published, not stored for up to a second
    assert.deepEqual(await storedSeqs(), [0]);
    const received: { seq: number; message: string }[] = [];
    const done = new Promise<void>((resolve, reject) => {
      server.ws().subscribe<{ jobProgress: { seq: number; message: string; status: string } }>(
        {
          query: 'subscription ($jobId: ID!) { jobProgress(jobId: $jobId) { seq status message } }',
          variables: { jobId: job.id },
        },
        {
          next: (result) => {
            if (result.errors) reject(new Error(JSON.stringify(result.errors)));
            else received.push(result.data!.jobProgress);
          },
          error: reject,
          complete: resolve,
        },
      );
    });
    // The subscriber has replayed the stored log (seq 0 only) once it shows the queued line.
    await until('the replayed queued line', () => (received.length >= 1 ? true : undefined));
    log.progress('Read 2 KB'); // seq 2, live: the subscriber sees a gap and re-reads the log for seq 1
    assert.equal(await log.add('storing', 'Storing 2 KB (text)'), true);
    const final = log.next('succeeded', 'Stored a new version');
    await db
      .update(jobs)
      .set({ status: 'succeeded', log: [...(await db.select().from(jobs).where(eq(jobs.id, job.id)))[0]!.log, final] })
      .where(eq(jobs.id, job.id));
    log.publish(final);
    await done;
    assert.deepEqual(
      received.map((line) => line.seq),
      [0, 1, 2, 3, 4],
    );
    assert.equal(received[1]!.message, 'Connected');
  });
});
