/**
 * triggerBackup for many devices at once (a device group, a collection group, the fleet) through the one
 * enqueue: counts of queued and skipped devices, an operator's `all` limited to their groups, viewers refused;
 * and cancelJob for a queued and a running job (failed with code `cancelled`, nothing stored).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRecording } from '@devicevault/plugins/replay/load-recording';
import { startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { backups, collectionGroups, jobs } from '@devicevault/schema/db/tables';
import { eq, inArray } from 'drizzle-orm';
import { createCollectionGroup, createDeviceGroup, createUserAndSignIn, mutate } from './support/api-builders.js';
import { createCredential, createDevice, triggerBackup } from './support/builders.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const fixtures = fileURLToPath(new URL('../../../packages/plugins/fixtures/device-sessions/', import.meta.url));

const triggerMany = `mutation ($input: TriggerBackupInput!) {
  triggerBackup(input: $input) {
    __typename
    ... on TriggerBackupSuccess { queuedCount skippedCount jobs { id status device { id } } }
    ... on Error { message }
  }
}`;

async function until<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let waited = 0; waited < 120_000; waited += 50) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

describe('triggerBackup for groups and the fleet', () => {
  let server: TestServer;
  const ids = {} as Record<string, string>;

  before(async () => {
    server = await startTestServer();
    const groupA = await createDeviceGroup(server);
    const groupB = await createDeviceGroup(server);
    const collection = await createCollectionGroup(server);
    // A backup window that is closed now keeps every queued job waiting, so duplicates are still waiting.
    const minute = new Date().getUTCHours() * 60 + new Date().getUTCMinutes();
    await server.app.database.db
      .update(collectionGroups)
      .set({ windowStartMinute: (minute + 720) % 1440, windowEndMinute: (minute + 721) % 1440 })
      .where(eq(collectionGroups.id, collection.id));
    Object.assign(ids, { groupA: groupA.id, groupB: groupB.id, collection: collection.id });
    for (const [name, group] of [
      ['a1', groupA],
      ['a2', groupA],
      ['a3', groupA],
      ['b1', groupB],
      ['b2', groupB],
    ] as const) {
      const created = await server.gql(
        `mutation ($input: CreateDeviceInput!) { createDevice(input: $input) { ... on CreateDeviceSuccess { device { id } } } }`,
        {
          input: {
            name,
            host: '127.0.0.1',
            pluginKey: 'noop',
            deviceGroupId: group.id,
            collectionGroupId: collection.id,
          },
        },
      );
      ids[name] = created.data.createDevice.device.id;
    }
    const disabled = await server.gql(
      `mutation ($input: CreateDeviceInput!) { createDevice(input: $input) { ... on CreateDeviceSuccess { device { id } } } }`,
      {
        input: { name: 'a-off', host: '127.0.0.1', pluginKey: 'noop', deviceGroupId: groupA.id, enabled: false },
      },
    );
    ids.disabled = disabled.data.createDevice.device.id;
  });
  after(async () => {
    await server?.stop();
  });

  it("queues an operator's `all` inside their groups only, then counts a collection group's and the fleet's duplicates as skipped", async () => {
    const operator = await createUserAndSignIn(server, 'operator', [ids.groupA!]);
    const viewer = await createUserAndSignIn(server, 'viewer', [ids.groupA!]);

    const operatorAll = (await server.gql(triggerMany, { input: { all: true } }, operator.token)).data.triggerBackup;
    const byCollection = (await server.gql(triggerMany, { input: { collectionGroupId: ids.collection } })).data
      .triggerBackup;
    const adminAll = (await server.gql(triggerMany, { input: { all: true } })).data.triggerBackup;
    const byGroup = (await server.gql(triggerMany, { input: { deviceGroupId: ids.groupA } })).data.triggerBackup;
    const viewerAll = await server.gql(triggerMany, { input: { all: true } }, viewer.token);
    const otherGroup = (await server.gql(triggerMany, { input: { deviceGroupId: ids.groupB } }, operator.token)).data
      .triggerBackup;

    assert.deepEqual({ queued: operatorAll.queuedCount, skipped: operatorAll.skippedCount }, { queued: 3, skipped: 0 });
    assert.deepEqual(
      new Set(operatorAll.jobs.map((job: { device: { id: string } }) => job.device.id)),
      new Set([ids.a1, ids.a2, ids.a3]),
    );
    assert.deepEqual(
      { queued: byCollection.queuedCount, skipped: byCollection.skippedCount },
      { queued: 2, skipped: 3 },
    );
    assert.deepEqual({ queued: adminAll.queuedCount, skipped: adminAll.skippedCount }, { queued: 0, skipped: 5 });
    assert.deepEqual({ queued: byGroup.queuedCount, skipped: byGroup.skippedCount }, { queued: 0, skipped: 3 });
    assert.equal(viewerAll.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal(otherGroup.__typename, 'NotFoundError');
    const queued = await server.app.database.db.select().from(jobs).where(eq(jobs.status, 'queued'));
    assert.equal(queued.length, 5);
  });

  it('cancels a queued job: it ends failed with code cancelled, and a second cancel says it already ended', async () => {
    const [waiting] = await server.app.database.db.select().from(jobs).where(eq(jobs.deviceId, ids.b1!));

    const first = await mutate(server, 'cancelJob', { id: waiting!.id }, 'job { status errorCode }');
    const second = await mutate(server, 'cancelJob', { id: waiting!.id }, 'job { status }');

    assert.deepEqual(first, { __typename: 'CancelJobSuccess', job: { status: 'failed', errorCode: 'cancelled' } });
    assert.equal(second.__typename, 'ValidationError');
  });
});

describe('cancelling a running job', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('aborts the collection and stores nothing', async () => {
    const recording = await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml'));
    const hanging = await startReplayServer(recording, { username: 'netops', password: 'p', fault: 'hang_after_auth' });
    try {
      const credential = await createCredential(server, { username: 'netops', secret: 'p' });
      const device = await createDevice(server, {
        pluginKey: 'cisco_ios',
        port: hanging.port,
        credentialId: credential.id,
      });
      const { job } = await triggerBackup(server, device.id);
      const { db } = server.app.database;
      await until(async () => {
        const [row] = await db.select().from(jobs).where(eq(jobs.id, job!.id));
        return row?.log.some((line) => line.message.startsWith('Collecting')) ? row : undefined;
      }, 'the job started collecting');

      const cancelled = await mutate(server, 'cancelJob', { id: job!.id }, 'job { status errorCode }');
      await until(
        async () => (server.logLines.some((line) => line.includes('job was cancelled')) ? true : undefined),
        'the runner stopped the collection',
      );

      assert.deepEqual(cancelled.job, { status: 'failed', errorCode: 'cancelled' });
      const [row] = await db.select().from(jobs).where(eq(jobs.id, job!.id));
      assert.deepEqual(
        { status: row!.status, errorCode: row!.errorCode, last: row!.log.at(-1)?.errorCode },
        { status: 'failed', errorCode: 'cancelled', last: 'cancelled' },
      );
      assert.equal(
        (
          await db
            .select()
            .from(backups)
            .where(inArray(backups.deviceId, [device.id]))
        ).length,
        0,
      );
    } finally {
      await hanging.close();
    }
  });
});
