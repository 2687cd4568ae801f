/**
 * Jobs are claimed in batches (issue 13): one statement takes many due jobs, in queue order, and a batch
 * never passes a collection group's cap or the global cap, counting the jobs it claims itself.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { rowsOf } from '@devicevault/schema/db/database';
import { collectionGroups, devices, jobs, zones } from '@devicevault/schema/db/tables';
import { sql } from 'drizzle-orm';
import { type OpenDatabase, openDatabase } from '../src/db/open-database.js';
import { claimJobs } from '../src/jobs/job-queue.js';
import { freshDatabaseUrl } from './support/test-database.js';

// Leases run in real time: long enough that none expires between a test's claims on a busy machine (an expired
// lease rightly frees its slot, which would break a cap check).
const leaseMs = 30 * 60_000;

describe('claiming jobs in batches', () => {
  let dataDir: string;
  let database: OpenDatabase;
  let dropDatabase: () => Promise<void>;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dv-claim-batches-'));
    const fresh = await freshDatabaseUrl();
    dropDatabase = fresh.drop;
    database = await openDatabase({ url: fresh.url, pgliteDir: join(dataDir, 'pglite') });
  });

  after(async () => {
    await database.close();
    await dropDatabase();
    await rm(dataDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await database.db.execute(sql`delete from jobs`);
  });

  /** `count` queued jobs, one per new device, in `groupId` (or none), created one after another. */
  async function queue(count: number, groupId: string | null = null, zoneId: string | null = null): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const [device] = await database.db
        .insert(devices)
        .values({
          name: `dev-${Math.random()}`,
          host: '127.0.0.1',
          pluginKey: 'noop',
          collectionGroupId: groupId,
          zoneId,
        })
        .returning();
      const [job] = await database.db.insert(jobs).values({ deviceId: device!.id }).returning();
      ids.push(job!.id);
    }
    return ids;
  }

  async function group(maxConcurrent: number): Promise<string> {
    const [row] = await database.db
      .insert(collectionGroups)
      .values({ name: `group-${Math.random()}`, maxConcurrent })
      .returning();
    return row!.id;
  }

  it('claims a whole batch in queue order, each job once', async () => {
    const queued = await queue(5);

    const first = await claimJobs(database.db, 'runner-a', leaseMs, [], {}, 3);
    const second = await claimJobs(database.db, 'runner-b', leaseMs, [], {}, 3);

    assert.deepEqual(
      first.map((job) => job.id),
      queued.slice(0, 3),
    );
    assert.deepEqual(
      second.map((job) => job.id),
      queued.slice(3),
    );
    assert.ok([...first, ...second].every((job) => job.status === 'running' && job.attempts === 1));
  });

  it("keeps the claim's planner settings inside its own transaction", async () => {
    const setting = async (name: string) =>
      rowsOf<{ value: string }>(await database.db.execute(sql`select current_setting(${name}) as value`))[0]?.value;
    const outside = { sort: await setting('enable_sort'), jit: await setting('jit') };
    await queue(2);

    const claimed = await claimJobs(database.db, 'runner-a', leaseMs, [], {}, 2);

    assert.equal(claimed.length, 2);
    assert.deepEqual({ sort: await setting('enable_sort'), jit: await setting('jit') }, outside);
    assert.equal(outside.sort, 'on');
  });

  it('stops a batch at the collection group cap, counting jobs already running', async () => {
    const capped = await group(3);
    await queue(2, capped);
    await claimJobs(database.db, 'runner-a', leaseMs, [], {}, 1);
    const more = await queue(4, capped);
    const free = await queue(2);

    const batch = await claimJobs(database.db, 'runner-a', leaseMs, [], {}, 10);

    const ids = new Set(batch.map((job) => job.id));
    const cappedClaimed = batch.filter((job) => !free.includes(job.id)).length;
    assert.equal(cappedClaimed, 2, 'one was running already: two more reach the cap of three');
    assert.ok(
      free.every((id) => ids.has(id)),
      'jobs outside the group are not held back by it',
    );
    assert.ok(more.filter((id) => ids.has(id)).length <= 2);
  });

  it('stops a batch at the global cap', async () => {
    await queue(6);
    await claimJobs(database.db, 'runner-a', leaseMs, [], { maxConcurrent: 4 }, 1);

    const batch = await claimJobs(database.db, 'runner-b', leaseMs, [], { maxConcurrent: 4 }, 10);
    const after = await claimJobs(database.db, 'runner-c', leaseMs, [], { maxConcurrent: 4 }, 10);

    assert.equal(batch.length, 3);
    assert.equal(after.length, 0);
  });

  it("claims a zone's jobs only for that zone, and the server's own jobs only without a zone", async () => {
    const [site] = await database.db
      .insert(zones)
      .values({ name: `site-${Math.random()}` })
      .returning();
    const [other] = await database.db
      .insert(zones)
      .values({ name: `other-${Math.random()}` })
      .returning();
    const zoned = await queue(2, null, site!.id);
    const elsewhere = await queue(1, null, other!.id);
    const local = await queue(2);

    const server = await claimJobs(database.db, 'runner-a', leaseMs, [], {}, 10);
    const collector = await claimJobs(database.db, 'collector-a', leaseMs, [], { zoneId: site!.id }, 10);

    assert.deepEqual(server.map((job) => job.id).sort(), [...local].sort(), 'the server never takes a zoned job');
    assert.deepEqual(collector.map((job) => job.id).sort(), [...zoned].sort(), 'a collector takes only its zone');
    const [left] = await database.db.select().from(jobs).where(sql`${jobs.id} = ${elsewhere[0]!}`);
    assert.equal(left!.status, 'queued');
  });

  it('never claims a job of a device that has a job running: its jobs run one at a time', async () => {
    const [runningId] = await queue(1);
    const [first] = await claimJobs(database.db, 'runner-a', leaseMs, [], {}, 10);
    assert.equal(first!.id, runningId);
    // A change reported during the run queues a second job for the same device.
    const [second] = await database.db.insert(jobs).values({ deviceId: first!.deviceId }).returning();
    assert.deepEqual(await claimJobs(database.db, 'runner-b', leaseMs, [], {}, 10), []);
    await database.db.execute(sql`update jobs set status = 'succeeded', lease_owner = null where id = ${runningId}`);
    const [next] = await claimJobs(database.db, 'runner-b', leaseMs, [], {}, 10);
    assert.equal(next!.id, second!.id);
  });

  it('claims one job per device in a batch when two of its jobs are due (a retry and a change it reported)', async () => {
    const [retry] = await queue(1);
    const [retried] = await database.db.select().from(jobs).where(sql`${jobs.id} = ${retry!}`);
    const [change] = await database.db.insert(jobs).values({ deviceId: retried!.deviceId }).returning();
    const first = await claimJobs(database.db, 'runner-a', leaseMs, [], {}, 10);
    assert.deepEqual(
      first.map((job) => job.id),
      [retry],
    );
    await database.db.execute(sql`update jobs set status = 'succeeded', lease_owner = null where id = ${retry!}`);
    const second = await claimJobs(database.db, 'runner-a', leaseMs, [], {}, 10);
    assert.deepEqual(
      second.map((job) => job.id),
      [change!.id],
    );
  });
});
