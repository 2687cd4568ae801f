/**
 * Collection-group schedules through the API: settings are validated and read back, `nextRunAt` on the group
 * and its devices (the device's stable offset, moved into the backup window), `scheduledRuns`, and the slots
 * a scheduler dealt with (`recentSlots`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deviceNextRun, nextSlot } from '@devicevault/schema/schedule';
import { mutate } from './support/api-builders.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const selection =
  'collectionGroup { id schedule timeZone spreadSeconds backupWindow catchUpSeconds maxAttempts maxConcurrent freshnessSeconds nextRunAt recentSlots { slotAt outcome } }';

describe('collection-group schedules over the API', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('reads back a schedule and gives the group and its device their next runs', async () => {
    const input = {
      name: 'berlin-nights',
      schedule: '0 23 * * *',
      timeZone: 'Europe/Berlin',
      spreadSeconds: 1800,
      backupWindow: '22:00-06:00',
      catchUpSeconds: 600,
      maxAttempts: 4,
      maxConcurrent: 8,
      freshnessSeconds: 172_800,
    };

    const created = await mutate(server, 'createCollectionGroup', input, selection);
    const group = created.collectionGroup;
    const device = await server.gql(
      'mutation ($input: CreateDeviceInput!) { createDevice(input: $input) { ... on CreateDeviceSuccess { device { id nextRunAt } } } }',
      { input: { name: 'night-owl', host: '127.0.0.1', pluginKey: 'noop', collectionGroupId: group.id } },
    );
    const runs = await server.gql(
      'query ($ids: [ID!]) { scheduledRuns(first: 3, collectionGroupIds: $ids) { at collectionGroup { id } } }',
      {
        ids: [group.id],
      },
    );

    const { id, nextRunAt, recentSlots, ...settings } = group;
    assert.deepEqual(settings, {
      schedule: '0 23 * * *',
      timeZone: 'Europe/Berlin',
      spreadSeconds: 1800,
      backupWindow: '22:00-06:00',
      catchUpSeconds: 600,
      maxAttempts: 4,
      maxConcurrent: 8,
      freshnessSeconds: 172_800,
    });
    const spec = { schedule: '0 23 * * *', timeZone: 'Europe/Berlin' };
    const expectedNext = nextSlot(spec, new Date())!;
    assert.equal(nextRunAt, expectedNext.toISOString());
    const deviceGroupSpec = { ...spec, spreadSeconds: 1800, windowStartMinute: 22 * 60, windowEndMinute: 6 * 60 };
    assert.equal(
      device.data.createDevice.device.nextRunAt,
      deviceNextRun(deviceGroupSpec, device.data.createDevice.device.id, new Date())!.toISOString(),
    );
    assert.equal(runs.data.scheduledRuns.length, 3);
    assert.equal(runs.data.scheduledRuns[0].at, expectedNext.toISOString());
    assert.deepEqual(recentSlots, []);
    assert.ok(id);
  });

  it('refuses an unknown time zone, a malformed window and a schedule that is neither cron nor an interval', async () => {
    const attempts = [
      { name: 'bad-zone', schedule: 'every 6 h', timeZone: 'Mars/Olympus' },
      { name: 'bad-window', schedule: 'every 6 h', backupWindow: '25:00-03:00' },
      { name: 'bad-schedule', schedule: 'every now and then' },
      { name: 'bad-attempts', schedule: 'every 6 h', maxAttempts: 0 },
    ];

    const outcomes = [];
    for (const input of attempts) {
      const payload = await mutate(server, 'createCollectionGroup', input, 'collectionGroup { id }');
      outcomes.push([payload.__typename, payload.field]);
    }

    assert.deepEqual(outcomes, [
      ['ValidationError', 'timeZone'],
      ['ValidationError', 'backupWindow'],
      ['ValidationError', 'schedule'],
      ['ValidationError', 'maxAttempts'],
    ]);
  });

  it('takes "every 6 h" as a plain interval on whole multiples since the epoch', async () => {
    const created = await mutate(
      server,
      'createCollectionGroup',
      { name: 'six-hourly', schedule: 'every 6 h' },
      'collectionGroup { nextRunAt }',
    );
    const sixHours = 6 * 3_600_000;

    assert.equal(Date.parse(created.collectionGroup.nextRunAt) % sixHours, 0);
    assert.ok(Date.parse(created.collectionGroup.nextRunAt) - Date.now() <= sixHours);
  });
});
