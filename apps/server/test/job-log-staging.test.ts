/**
 * A small artefact's "storing" line waits to go with the job's final line (one write less per job, issue 13):
 * staged lines are neither stored nor published until someone stores them, they keep their seq order with the
 * progress lines around them, a write in flight finishes before they are handed over, and an `add` stores them
 * with its own line as before; lines given back after a failed statement are stored with the next write.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { devices, type JobLogLine, jobs } from '@devicevault/schema/db/tables';
import { eq } from 'drizzle-orm';
import type { OpenDatabase } from '../src/db/open-database.js';
import { createJobLog } from '../src/jobs/job-log.js';
import { appendJobLines, claimJobs, type Lease } from '../src/jobs/job-queue.js';
import { createFanOutPubSub } from '../src/pubsub.js';
import { openTestDatabase } from './support/test-database.js';

describe('staged job log lines', () => {
  let database: OpenDatabase;
  let close: () => Promise<void>;

  before(async () => {
    ({ database, close } = await openTestDatabase('dv-job-log-staging-'));
  });
  after(() => close());

  /** A claimed job, its log and what the log published. */
  async function claimedJobLog() {
    const { db } = database;
    const [device] = await db
      .insert(devices)
      .values({ name: `dev-${Math.random()}`, host: '127.0.0.1', pluginKey: 'noop' })
      .returning();
    await db.insert(jobs).values({ deviceId: device!.id, trigger: 'manual' });
    const [job] = await claimJobs(db, 'staging-test', 60_000, [], {}, 1);
    assert.ok(job, 'the job was claimed');
    const events = new EventTarget();
    const published: JobLogLine[] = [];
    events.addEventListener('jobEvents', (event) => published.push((event as CustomEvent<JobLogLine>).detail));
    const pubsub = createFanOutPubSub(events);
    const lease: Lease = { jobId: job.id, owner: 'staging-test', attempt: job.attempts };
    const log = createJobLog({ db, pubsub }, job, lease);
    const stored = async () => (await db.select().from(jobs).where(eq(jobs.id, job.id)))[0]!;
    return { job, lease, log, published, stored };
  }

  it('hands staged and progress lines over in seq order without storing or publishing them', async () => {
    const { log, published, stored } = await claimedJobLog();
    log.progress('Running show running-config');
    log.stage('storing', 'Storing 12 KB (text)');

    const waiting = await log.takeWaiting();

    assert.deepEqual(
      waiting.map((line) => [line.status, line.message]),
      [
        ['running', 'Running show running-config'],
        ['storing', 'Storing 12 KB (text)'],
      ],
    );
    assert.ok(waiting[0]!.seq < waiting[1]!.seq);
    const row = await stored();
    assert.equal(row.status, 'running');
    assert.deepEqual(
      row.log.map((line) => line.status),
      ['running'],
      'only the claim line is stored',
    );
    assert.equal(published.length, 0);
    assert.deepEqual(await log.takeWaiting(), [], 'taken lines are gone from the log');
    // The progress timer was cleared with them: nothing is written later either.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal((await stored()).log.length, 1);
  });

  it('stores a staged line with the next added line, in order', async () => {
    const { log, published, stored } = await claimedJobLog();
    log.stage('storing', 'Storing 3 MB (binary)');

    assert.equal(await log.add('running', 'Still here'), true);

    const row = await stored();
    assert.deepEqual(
      row.log.slice(1).map((line) => [line.status, line.message]),
      [
        ['storing', 'Storing 3 MB (binary)'],
        ['running', 'Still here'],
      ],
    );
    assert.deepEqual(
      published.map((line) => line.message),
      ['Storing 3 MB (binary)', 'Still here'],
    );
  });

  it('lets a write in flight finish before handing lines over, so seq order holds in the stored log', async () => {
    const { lease, log, stored } = await claimedJobLog();
    const added = log.add('running', 'Written first');
    log.stage('storing', 'Storing 1 KB (text)');

    const waiting = await log.takeWaiting();

    assert.equal(await added, true);
    assert.deepEqual(
      waiting.map((line) => line.message),
      ['Storing 1 KB (text)'],
    );
    // The caller stores what it took with its final line (run-job.ts does so in the version's statement).
    const final = log.next('succeeded', 'Stored a new version');
    assert.equal(await appendJobLines(database.db, lease, [...waiting, final]), true);
    const row = await stored();
    assert.equal(row.status, 'succeeded');
    const seqs = row.log.map((line) => line.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
    assert.deepEqual(
      row.log.slice(1).map((line) => line.message),
      ['Written first', 'Storing 1 KB (text)', 'Stored a new version'],
    );
  });

  it('stores lines given back after a failed statement with the next write, ahead of later lines', async () => {
    const { log, published, stored } = await claimedJobLog();
    log.stage('storing', 'Storing 2 KB (text)');
    const taken = await log.takeWaiting();

    log.putBack(taken);
    assert.equal(await log.add('failed', 'could not record the version'), true);

    assert.deepEqual(
      (await stored()).log.slice(1).map((line) => [line.status, line.message]),
      [
        ['storing', 'Storing 2 KB (text)'],
        ['failed', 'could not record the version'],
      ],
    );
    assert.deepEqual(
      published.map((line) => line.message),
      ['Storing 2 KB (text)', 'could not record the version'],
    );
  });
});
