/**
 * Freshness: backup states (FRESH, STALE, FAILING, NEVER, DISABLED) on Device, in `devices(filter)` and
 * counted by `fleetStatus` for a seeded fleet; a device passing its threshold turns STALE with one
 * DEVICE_STALE event however often (and by however many processes) the sweep runs; a failure is a
 * BACKUP_FAILED event and the next success a DEVICE_RECOVERED one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { devices, events, jobs } from '@devicevault/schema/db/tables';
import type { PubSubEvents } from '@devicevault/schema/pubsub';
import { and, eq } from 'drizzle-orm';
import { createPubSub } from 'graphql-yoga';
import { sweepBackupStates } from '../src/jobs/staleness-sweep.js';
import { mutate } from './support/api-builders.js';
import { triggerBackup } from './support/builders.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const hour = 3_600_000;

/** A job once it has ended, read from its row (minutes of patience). */
async function endedJob(server: TestServer, jobId: string) {
  for (let waited = 0; waited < 180_000; waited += 50) {
    const [row] = await server.app.database.db.select().from(jobs).where(eq(jobs.id, jobId));
    if (row && ['succeeded', 'failed'].includes(row.status)) return row;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${jobId} never ended`);
}

describe('freshness', () => {
  let server: TestServer;
  const ids: Record<string, string> = {};

  before(async () => {
    server = await startTestServer();
    const hourly = await mutate(
      server,
      'createCollectionGroup',
      { name: 'one-hour', freshnessSeconds: 3600 },
      'collectionGroup { id }',
    );
    const sixHours = await mutate(
      server,
      'createCollectionGroup',
      { name: 'six-hours', schedule: 'every 6 h' },
      'collectionGroup { id }',
    );
    const now = Date.now();
    const ago = (ms: number) => new Date(now - ms);
    const seed: [string, Partial<typeof devices.$inferInsert>][] = [
      ['fresh', { collectionGroupId: hourly.collectionGroup.id, lastSuccessAt: ago(10 * 60_000) }],
      ['stale', { collectionGroupId: hourly.collectionGroup.id, lastSuccessAt: ago(2 * hour) }],
      [
        'failing',
        { collectionGroupId: hourly.collectionGroup.id, lastSuccessAt: ago(2 * hour), lastFailureAt: ago(60_000) },
      ],
      ['never', { collectionGroupId: hourly.collectionGroup.id }],
      ['disabled', { enabled: false, lastSuccessAt: ago(60_000) }],
      ['archived', { archivedAt: ago(60_000), lastSuccessAt: ago(60_000) }],
      ['six-fresh', { collectionGroupId: sixHours.collectionGroup.id, lastSuccessAt: ago(11 * hour) }],
      ['six-stale', { collectionGroupId: sixHours.collectionGroup.id, lastSuccessAt: ago(13 * hour) }],
      ['default-fresh', { lastSuccessAt: ago(24 * hour) }],
      ['default-stale', { lastSuccessAt: ago(26 * hour) }],
    ];
    for (const [name, values] of seed) {
      const [row] = await server.app.database.db
        .insert(devices)
        .values({ name, host: '127.0.0.1', pluginKey: 'noop', ...values })
        .returning({ id: devices.id });
      ids[name] = row!.id;
    }
  });
  after(async () => {
    await server?.stop();
  });

  it('gives each seeded device its state, filters by it and counts the fleet', async () => {
    const status = await server.gql('{ fleetStatus { fresh stale failing never disabled total } }');
    const listed = await server.gql('{ devices(first: 100) { edges { node { name backupState } } } }');
    const stale = await server.gql(
      '{ devices(first: 100, filter: { backupState: STALE }) { edges { node { name } } } }',
    );

    assert.deepEqual(status.data.fleetStatus, { fresh: 3, stale: 3, failing: 1, never: 1, disabled: 1, total: 9 });
    assert.deepEqual(
      Object.fromEntries(
        listed.data.devices.edges.map((edge: { node: { name: string; backupState: string } }) => [
          edge.node.name,
          edge.node.backupState,
        ]),
      ),
      {
        fresh: 'FRESH',
        stale: 'STALE',
        failing: 'FAILING',
        never: 'NEVER',
        disabled: 'DISABLED',
        'six-fresh': 'FRESH',
        'six-stale': 'STALE',
        'default-fresh': 'FRESH',
        'default-stale': 'STALE',
      },
    );
    assert.deepEqual(stale.data.devices.edges.map((edge: { node: { name: string } }) => edge.node.name).sort(), [
      'default-stale',
      'six-stale',
      'stale',
    ]);
  });

  it('turns a device STALE once it passes its threshold, with one DEVICE_STALE event however often the sweep runs', async () => {
    const { db } = server.app.database;
    const pubsub = createPubSub<PubSubEvents>();
    const published: string[] = [];
    void (async () => {
      for await (const event of pubsub.subscribe('deviceEvents'))
        if (event.deviceId === ids.fresh) published.push(event.kind);
    })();
    const [device] = await db.select().from(devices).where(eq(devices.id, ids.fresh!));
    const beforeThreshold = new Date(device!.lastSuccessAt!.getTime() + hour - 60_000);
    const pastThreshold = new Date(device!.lastSuccessAt!.getTime() + hour + 60_000);

    await sweepBackupStates({ db, pubsub }, beforeThreshold);
    const whileFresh = await db
      .select()
      .from(events)
      .where(and(eq(events.deviceId, ids.fresh!), eq(events.kind, 'DEVICE_STALE')));
    await Promise.all([
      sweepBackupStates({ db, pubsub }, pastThreshold),
      sweepBackupStates({ db, pubsub }, pastThreshold),
    ]);
    await sweepBackupStates({ db, pubsub }, pastThreshold);

    const stale = await db
      .select()
      .from(events)
      .where(and(eq(events.deviceId, ids.fresh!), eq(events.kind, 'DEVICE_STALE')));
    const [after] = await db.select().from(devices).where(eq(devices.id, ids.fresh!));
    assert.equal(whileFresh.length, 0);
    assert.equal(stale.length, 1);
    assert.equal(after!.backupState, 'STALE');
    for (let waited = 0; published.length === 0 && waited < 60_000; waited += 20)
      await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(published, ['DEVICE_STALE']);
  });

  it('writes BACKUP_FAILED for a failed backup and DEVICE_RECOVERED for the next success', async () => {
    const { db } = server.app.database;
    const ended = (jobId: string) => endedJob(server, jobId);
    // A device that refuses connections (port 1, no credential) fails; switched to noop it then succeeds.
    const [row] = await db
      .insert(devices)
      .values({ name: 'flaky', host: '127.0.0.1', port: 1, pluginKey: 'cisco_ios' })
      .returning({ id: devices.id });
    const deviceId = row!.id;

    const failed = await triggerBackup(server, deviceId);

    const failedJob = await ended(failed.job!.id);
    await db.update(devices).set({ pluginKey: 'noop' }).where(eq(devices.id, deviceId));
    const recovered = await triggerBackup(server, deviceId);
    const recoveredJob = await ended(recovered.job!.id);

    assert.equal(failedJob.status, 'failed');
    assert.equal(recoveredJob.status, 'succeeded');
    const kinds = (await db.select().from(events).where(eq(events.deviceId, deviceId)).orderBy(events.createdAt)).map(
      (event) => [event.kind, event.payload.jobId],
    );
    assert.deepEqual(kinds, [
      ['BACKUP_FAILED', failed.job!.id],
      ['DEVICE_RECOVERED', recovered.job!.id],
    ]);
  });
});
