/**
 * The one enqueue behind the mutation, the scheduler and the demo fleet: many devices in one statement, a
 * device with a queued or running job skipped (also when two callers race), every queued job published live
 * and one audit row per request. Runs against a bare database (no runner), so nothing moves jobs on meanwhile.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { auditLog, devices, jobs } from '@devicevault/schema/db/tables';
import type { JobProgressEvent, PubSubEvents } from '@devicevault/schema/pubsub';
import { eq, inArray } from 'drizzle-orm';
import { createPubSub } from 'graphql-yoga';
import type { OpenDatabase } from '../src/db/open-database.js';
import { createEnqueue } from '../src/jobs/enqueue.js';
import { createLogger } from '../src/log.js';
import { openTestDatabase } from './support/test-database.js';

describe('enqueue', () => {
  let database: OpenDatabase;
  let closeDatabase: () => Promise<void>;
  const events: JobProgressEvent[] = [];
  let wakes = 0;
  let enqueue: ReturnType<typeof createEnqueue>;

  before(async () => {
    ({ database, close: closeDatabase } = await openTestDatabase('dv-enqueue-'));
    const pubsub = createPubSub<PubSubEvents>();
    void (async () => {
      for await (const event of pubsub.subscribe('jobEvents')) events.push(event);
    })();
    enqueue = createEnqueue({ db: database.db, pubsub, log: createLogger('silent'), wake: () => wakes++ });
  });

  after(() => closeDatabase());

  /** The published events of these jobs, once each has arrived (the subscriber reads them asynchronously). */
  async function eventsFor(jobIds: Set<string>): Promise<JobProgressEvent[]> {
    for (let waited = 0; waited < 60_000; waited += 50) {
      const found = events.filter((event) => jobIds.has(event.jobId));
      if (found.length >= jobIds.size) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the queued events never arrived');
  }

  async function createDevices(count: number, prefix: string, enabled = true): Promise<string[]> {
    const rows = await database.db
      .insert(devices)
      .values(
        Array.from({ length: count }, (_, i) => ({
          name: `${prefix}-${i}`,
          host: '127.0.0.1',
          pluginKey: 'noop',
          enabled,
        })),
      )
      .returning({ id: devices.id });
    return rows.map((row) => row.id);
  }

  it('queues 500 devices in one request and reports the busy, disabled and unknown ones as skipped', async () => {
    const fleet = await createDevices(500, 'fleet');
    const [busy] = await createDevices(1, 'busy');
    const [running] = await database.db
      .insert(jobs)
      .values({
        deviceId: busy!,
        status: 'running',
        leaseOwner: 'elsewhere',
        leaseExpiresAt: new Date(Date.now() + 60_000),
      })
      .returning();
    const [disabled] = await createDevices(1, 'disabled', false);
    const unknown = randomUUID();
    const wakesBefore = wakes;

    const result = await enqueue({
      deviceIds: [...fleet, busy!, disabled!, unknown, fleet[0]!, 'not-a-uuid'],
      trigger: 'schedule',
      requestedBy: { userId: null, label: 'scheduler' },
    });

    assert.deepEqual(new Set(result.queued.map((job) => job.deviceId)), new Set(fleet));
    assert.deepEqual(
      new Set(result.skipped),
      new Set([
        { deviceId: busy!, reason: 'active', activeJobId: running!.id },
        { deviceId: disabled!, reason: 'disabled', activeJobId: null },
        { deviceId: unknown, reason: 'missing', activeJobId: null },
        { deviceId: 'not-a-uuid', reason: 'missing', activeJobId: null },
      ]),
    );
    const rows = await database.db.select().from(jobs).where(inArray(jobs.deviceId, fleet));
    assert.equal(rows.length, 500);
    assert.ok(rows.every((row) => row.status === 'queued' && row.trigger === 'schedule' && row.log.length === 1));
    const published = await eventsFor(new Set(result.queued.map((job) => job.jobId)));
    assert.ok(published.every((event) => event.status === 'queued' && event.seq === 0));
    assert.equal(wakes, wakesBefore + 1);
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.action, 'jobs.enqueue'));
    assert.deepEqual(audit.at(-1)?.details, { trigger: 'schedule', queued: 500, skipped: 4 });
    assert.equal(audit.at(-1)?.actorLabel, 'scheduler');
  });

  it('skips a device with a queued job, so triggering it again queues nothing new', async () => {
    const [device] = await createDevices(1, 'twice');
    const first = await enqueue({
      deviceIds: [device!],
      trigger: 'manual',
      requestedBy: { userId: null, label: 'ops' },
    });

    const second = await enqueue({
      deviceIds: [device!],
      trigger: 'manual',
      requestedBy: { userId: null, label: 'ops' },
    });

    assert.equal(first.queued.length, 1);
    assert.deepEqual(second, {
      queued: [],
      skipped: [{ deviceId: device!, reason: 'active', activeJobId: first.queued[0]!.jobId }],
      skippedCount: 1,
    });
  });

  it('queues each device once when a schedule and the demo fleet enqueue the same 200 devices at the same moment', async () => {
    const ids = await createDevices(200, 'raced');

    const results = await Promise.all(
      ['schedule', 'demo', 'manual', 'schedule'].map((trigger) =>
        enqueue({ deviceIds: ids, trigger, requestedBy: { userId: null, label: trigger } }),
      ),
    );

    assert.equal(
      results.reduce((sum, result) => sum + result.queued.length, 0),
      200,
    );
    const rows = await database.db.select().from(jobs).where(inArray(jobs.deviceId, ids));
    assert.equal(rows.length, 200);
  });
});
