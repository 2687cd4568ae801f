/**
 * Schedules with a fake clock, on a bare database (the scheduler, the enqueue and the claim; no runner): a
 * cron in Europe/Berlin across both DST changes, 10,000 devices spread inside the window with stable offsets,
 * backup windows that hold jobs, catch-up once after an outage and `missed` beyond the catch-up window, and
 * per-group and global caps in the claim.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CollectionGroupRow, collectionGroups, devices, jobs, scheduleSlots } from '@devicevault/schema/db/tables';
import type { PubSubEvents } from '@devicevault/schema/pubsub';
import { slotsBetween, spreadOffsetSeconds } from '@devicevault/schema/schedule';
import { and, eq, inArray } from 'drizzle-orm';
import { createPubSub } from 'graphql-yoga';
import type { OpenDatabase } from '../src/db/open-database.js';
import { createEnqueue } from '../src/jobs/enqueue.js';
import { claimNextJob } from '../src/jobs/job-queue.js';
import { createScheduler } from '../src/jobs/scheduler.js';
import { createLogger } from '../src/log.js';
import { openTestDatabase } from './support/test-database.js';

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

describe('schedules with a fake clock', () => {
  let database: OpenDatabase;
  let closeDatabase: () => Promise<void>;
  let clock = new Date('2026-01-01T00:00:00Z');
  const pubsub = createPubSub<PubSubEvents>();
  const log = createLogger('silent');

  before(async () => {
    ({ database, close: closeDatabase } = await openTestDatabase('dv-schedules-'));
  });
  after(() => closeDatabase());

  function scheduler() {
    const now = () => clock;
    const enqueue = createEnqueue({ db: database.db, pubsub, log, wake: () => {}, now });
    return createScheduler({ db: database.db, log, pubsub, enqueue, now });
  }

  async function group(values: Partial<CollectionGroupRow> & { schedule: string }, deviceCount = 3) {
    const [row] = await database.db
      .insert(collectionGroups)
      .values({ name: `g-${Math.random().toString(36).slice(2)}`, createdAt: clock, ...values })
      .returning();
    const members = deviceCount
      ? await database.db
          .insert(devices)
          .values(
            Array.from({ length: deviceCount }, (_, i) => ({
              name: `${row!.name}-${i}`,
              host: '127.0.0.1',
              pluginKey: 'noop',
              collectionGroupId: row!.id,
            })),
          )
          .returning({ id: devices.id })
      : [];
    return { group: row!, deviceIds: members.map((member) => member.id) };
  }

  const slotsOf = async (groupId: string, outcome: 'fired' | 'missed') =>
    iso(
      (
        await database.db
          .select()
          .from(scheduleSlots)
          .where(and(eq(scheduleSlots.collectionGroupId, groupId), eq(scheduleSlots.outcome, outcome)))
          .orderBy(scheduleSlots.slotAt)
      ).map((row) => row.slotAt),
    );

  /** Ends the group's waiting jobs, as a runner would, so the next slot can queue its devices again. */
  async function finishJobs(deviceIds: string[]) {
    await database.db
      .update(jobs)
      .set({ status: 'succeeded', finishedAt: clock })
      .where(and(inArray(jobs.deviceId, deviceIds), inArray(jobs.status, ['queued', 'running'])));
  }

  it('fires a Europe/Berlin cron at the right instants across both DST changes', async () => {
    const daily = { schedule: '30 2 * * *', timeZone: 'Europe/Berlin' };
    const hourly = { schedule: '30 * * * *', timeZone: 'Europe/Berlin' };

    // Through the scheduler: a fake clock stepping 10 minutes at a time over each change.
    const fired: Record<string, string[]> = {};
    for (const [start, end] of [
      ['2026-03-27T12:00:00Z', '2026-03-31T00:00:00Z'],
      ['2026-10-23T12:00:00Z', '2026-10-27T00:00:00Z'],
    ] as const) {
      clock = new Date(start);
      const { group: row, deviceIds } = await group(daily, 1);
      const run = scheduler();
      for (; clock < new Date(end); clock = new Date(clock.getTime() + 10 * 60_000)) {
        await run.tick();
        await finishJobs(deviceIds);
      }
      fired[start] = await slotsOf(row.id, 'fired');
    }

    // 02:30 local: CET (+1) before the spring change, and the skipped hour runs at 03:00 CEST on the day itself.
    assert.deepEqual(fired['2026-03-27T12:00:00Z'], [
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
    // The repeated 02:30 of the autumn change runs once (its first occurrence, CEST), then CET.
    assert.deepEqual(fired['2026-10-23T12:00:00Z'], [
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
    // Hourly runs stay one real hour apart through both changes.
    assert.deepEqual(iso(slotsBetween(hourly, new Date('2026-03-28T23:00:00Z'), new Date('2026-03-29T03:00:00Z'))), [
      '2026-03-28T23:30:00.000Z',
      '2026-03-29T00:30:00.000Z',
      '2026-03-29T01:30:00.000Z',
      '2026-03-29T02:30:00.000Z',
    ]);
    assert.deepEqual(iso(slotsBetween(hourly, new Date('2026-10-24T23:00:00Z'), new Date('2026-10-25T03:00:00Z'))), [
      '2026-10-24T23:30:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:30:00.000Z',
      '2026-10-25T02:30:00.000Z',
    ]);
  });

  it("spreads 10,000 devices' starts inside the window, each at the same offset every run", async (t) => {
    clock = new Date('2026-05-04T05:59:00Z');
    const spreadSeconds = 3600;
    const { group: row, deviceIds } = await group({ schedule: '0 6 * * *', spreadSeconds }, 10_000);
    const run = scheduler();

    const offsets: Map<string, number>[] = [];
    for (const day of ['2026-05-04', '2026-05-05']) {
      clock = new Date(`${day}T06:00:10Z`);
      await run.tick();
      const queued = await database.db
        .select({ deviceId: jobs.deviceId, runAfter: jobs.runAfter })
        .from(jobs)
        .where(eq(jobs.status, 'queued'));
      const slot = new Date(`${day}T06:00:00Z`).getTime();
      const members = new Set(deviceIds);
      const own = queued.filter((job) => members.has(job.deviceId));
      offsets.push(new Map(own.map((job) => [job.deviceId, (job.runAfter.getTime() - slot) / 1000])));
      await finishJobs(deviceIds);
    }

    const [first, second] = offsets as [Map<string, number>, Map<string, number>];
    assert.equal(first.size, 10_000);
    assert.ok([...first.values()].every((offset) => offset >= 0 && offset < spreadSeconds));
    assert.ok(
      deviceIds.every(
        (id) => first.get(id) === second.get(id) && first.get(id) === spreadOffsetSeconds(id, spreadSeconds),
      ),
    );
    // Spread, not bunched: no one second of the hour starts more than a handful of devices. The offsets hash
    // random ids, so the busiest of 3,600 seconds is a Poisson maximum (mean 2.8 a second): above 12 in about
    // one run in 50 (a bound of 12 failed once), 20 or more in about one in ten million.
    const perSecond = new Map<number, number>();
    for (const offset of first.values()) perSecond.set(offset, (perSecond.get(offset) ?? 0) + 1);
    t.diagnostic(
      `${perSecond.size} distinct start seconds of 3600; busiest second starts ${Math.max(...perSecond.values())}`,
    );
    assert.ok(Math.max(...perSecond.values()) < 20, `busiest second starts ${Math.max(...perSecond.values())}`);
    assert.ok(perSecond.size > 3000, `${perSecond.size} distinct start seconds`);
    assert.deepEqual(await slotsOf(row.id, 'fired'), ['2026-05-04T06:00:00.000Z', '2026-05-05T06:00:00.000Z']);
  });

  it('holds jobs outside the backup window and starts them when it opens; a closing window makes them wait', async () => {
    clock = new Date('2026-06-10T09:59:00Z'); // 11:59 in Berlin (CEST)
    const window = { windowStartMinute: 22 * 60, windowEndMinute: 6 * 60, timeZone: 'Europe/Berlin' };
    const { deviceIds } = await group({ schedule: '0 12 * * *', ...window }, 2);
    const run = scheduler();

    clock = new Date('2026-06-10T10:00:30Z');
    await run.tick();
    const noonClaim = await claimNextJob(database.db, 'runner-a', 60_000, [], { now: clock });
    const held = await database.db.select().from(jobs).where(inArray(jobs.deviceId, deviceIds));
    const eveningClaim = await claimNextJob(database.db, 'runner-a', 60_000, [], {
      now: new Date('2026-06-10T20:00:00Z'),
    });
    const afterClose = await claimNextJob(database.db, 'runner-a', 60_000, [], {
      now: new Date('2026-06-11T04:00:00Z'),
    });

    assert.equal(noonClaim, null);
    assert.deepEqual(
      held.map((job) => job.runAfter.toISOString()),
      ['2026-06-10T20:00:00.000Z', '2026-06-10T20:00:00.000Z'],
      'held until 22:00 local',
    );
    assert.ok(eveningClaim && deviceIds.includes(eveningClaim.deviceId));
    assert.equal(afterClose, null, 'at 06:00 local the window closed: the second job waits');
    const stillQueued = await database.db
      .select()
      .from(jobs)
      .where(and(inArray(jobs.deviceId, deviceIds), eq(jobs.status, 'queued')));
    assert.equal(stillQueued.length, 1);
    await finishJobs(deviceIds);
  });

  it('runs a slot missed during an outage once when within the catch-up window, and records older ones as missed', async () => {
    clock = new Date('2026-07-01T09:59:00Z');
    const { group: row, deviceIds } = await group({ schedule: '0 * * * *', catchUpSeconds: 3600 }, 3);
    const run = scheduler();
    clock = new Date('2026-07-01T10:00:05Z');
    await run.tick();
    await finishJobs(deviceIds);

    clock = new Date('2026-07-01T13:30:00Z'); // every process was down from 10:01 to 13:30
    await scheduler().tick();
    await scheduler().tick();
    const caughtUp = await database.db
      .select()
      .from(jobs)
      .where(and(inArray(jobs.deviceId, deviceIds), eq(jobs.status, 'queued')));
    await finishJobs(deviceIds);
    await database.db.update(collectionGroups).set({ catchUpSeconds: 1800 }).where(eq(collectionGroups.id, row.id));
    clock = new Date('2026-07-01T16:45:00Z'); // down again; 16:00 is 45 min old, beyond the 30 min window
    await scheduler().tick();
    const beyond = await database.db
      .select()
      .from(jobs)
      .where(and(inArray(jobs.deviceId, deviceIds), eq(jobs.status, 'queued')));

    assert.deepEqual(await slotsOf(row.id, 'fired'), ['2026-07-01T10:00:00.000Z', '2026-07-01T13:00:00.000Z']);
    assert.deepEqual(await slotsOf(row.id, 'missed'), [
      '2026-07-01T11:00:00.000Z',
      '2026-07-01T12:00:00.000Z',
      '2026-07-01T14:00:00.000Z',
      '2026-07-01T15:00:00.000Z',
      '2026-07-01T16:00:00.000Z',
    ]);
    assert.equal(caughtUp.length, 3, 'one job per device for the caught-up slot, however many ticks');
    assert.equal(beyond.length, 0);
  });

  it('never claims past a collection group cap of 2 or a global cap of 3', async () => {
    clock = new Date('2026-08-01T00:00:00Z');
    const capped = await group({ schedule: 'every 1 h', maxConcurrent: 2 }, 5);
    const other = await group({ schedule: 'every 1 h' }, 5);
    const enqueue = createEnqueue({ db: database.db, pubsub, log, wake: () => {}, now: () => clock });
    await enqueue({
      deviceIds: [...capped.deviceIds, ...other.deviceIds],
      trigger: 'manual',
      requestedBy: { userId: null, label: 't' },
    });

    const claimed = [];
    // Leases in real time, long enough to outlast the ten claims on a busy machine (a 60 s lease expired
    // mid-test once, and an expired lease rightly frees its slot).
    const leaseMs = 30 * 60_000;
    for (let i = 0; i < 10; i++) {
      const job = await claimNextJob(database.db, `runner-${i}`, leaseMs, [], { now: clock, maxConcurrent: 3 });
      if (job) claimed.push(job);
    }
    const cappedRunning = claimed.filter((job) => capped.deviceIds.includes(job.deviceId)).length;

    assert.equal(claimed.length, 3);
    assert.ok(cappedRunning <= 2, `${cappedRunning} of the capped group running`);
    await finishJobs([...capped.deviceIds, ...other.deviceIds]);
  });
});
