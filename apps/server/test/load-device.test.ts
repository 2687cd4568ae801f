/**
 * The jobs of one claim load their devices together (issue 13): one statement for the batch, and each job still
 * gets its own device, or its own failure when the device was disabled or deleted after the job was queued.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collectionGroups, devices } from '@devicevault/schema/db/tables';
import { eq } from 'drizzle-orm';
import type { OpenDatabase } from '../src/db/open-database.js';
import { JobFailure } from '../src/jobs/job-failure.js';
import { type JobTarget, loadDevice } from '../src/jobs/load-device.js';
import { openTestDatabase } from './support/test-database.js';

describe('loading the devices of jobs that start together', () => {
  let database: OpenDatabase;
  let close: () => Promise<void>;

  before(async () => {
    ({ database, close } = await openTestDatabase('dv-load-device-'));
  });
  after(() => close());

  async function device(values: Partial<typeof devices.$inferInsert> = {}): Promise<string> {
    const [row] = await database.db
      .insert(devices)
      .values({ name: `dev-${Math.random()}`, host: '127.0.0.1', pluginKey: 'noop', ...values })
      .returning();
    return row!.id;
  }

  it('gives each job its own device and its own failure', async () => {
    const [group] = await database.db
      .insert(collectionGroups)
      .values({ name: `group-${Math.random()}`, timeoutSeconds: 7 })
      .returning();
    const grouped = await device({ collectionGroupId: group!.id });
    const plain = await device();
    const disabled = await device({ enabled: false });
    const deleted = await device();
    await database.db.delete(devices).where(eq(devices.id, deleted));

    const outcomes = await Promise.allSettled(
      [grouped, plain, disabled, deleted, grouped].map((id) => loadDevice(database.db, id, 60)),
    );

    const [first, second, third, fourth, again] = outcomes as [
      PromiseSettledResult<JobTarget>,
      PromiseSettledResult<JobTarget>,
      PromiseSettledResult<JobTarget>,
      PromiseSettledResult<JobTarget>,
      PromiseSettledResult<JobTarget>,
    ];
    assert.equal(first.status, 'fulfilled');
    assert.equal(second.status, 'fulfilled');
    assert.equal(again.status, 'fulfilled', 'a device asked for twice in one batch is loaded for both');
    if (first.status === 'fulfilled' && second.status === 'fulfilled') {
      assert.equal(first.value.device.id, grouped);
      assert.equal(first.value.timeoutMs, 7000, "the device's collection group timeout");
      assert.equal(second.value.device.id, plain);
      assert.equal(second.value.timeoutMs, 60_000, 'the server default outside any group');
    }
    assert.equal(third.status, 'rejected');
    assert.equal(fourth.status, 'rejected');
    if (third.status === 'rejected' && fourth.status === 'rejected') {
      assert.ok(third.reason instanceof JobFailure);
      assert.equal(third.reason.code, 'aborted');
      assert.ok(fourth.reason instanceof JobFailure);
      assert.equal(fourth.reason.code, 'invalid_options');
    }
  });

  it('reads what holds when a job starts, not what an earlier job saw', async () => {
    const id = await device();
    assert.equal((await loadDevice(database.db, id, 60)).device.enabled, true);
    await database.db.update(devices).set({ enabled: false }).where(eq(devices.id, id));
    await assert.rejects(loadDevice(database.db, id, 60), (error) => error instanceof JobFailure);
  });
});
