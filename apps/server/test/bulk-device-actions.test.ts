/**
 * updateDevices: bulk enable/disable, move and archive in one transaction, each device checked like the
 * single-device mutations (nothing changes when one is refused), audited once per call; and the devices
 * list filtered by collection group.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { auditLog, devices, jobs } from '@devicevault/schema/db/tables';
import { eq, inArray } from 'drizzle-orm';
import { createCollectionGroup, createDeviceGroup, createUserAndSignIn, mutate } from './support/api-builders.js';
import { createDevice } from './support/builders.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const updateDevicesMutation = `mutation ($input: UpdateDevicesInput!) {
  updateDevices(input: $input) {
    __typename
    ... on UpdateDevicesSuccess { updatedCount skippedCount skipped { deviceId reason } }
    ... on ValidationError { field }
    ... on Error { message }
  }
}`;

describe('bulk device actions', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  async function devicesIn(groupId: string, count: number) {
    const created = [];
    for (let i = 0; i < count; i += 1)
      created.push(await createDevice(server, { pluginKey: 'noop', deviceGroupId: groupId }));
    return created.map((device) => device.id);
  }

  async function rowsOf(ids: string[]) {
    const rows = await server.app.database.db.select().from(devices).where(inArray(devices.id, ids));
    return ids.map((id) => rows.find((row) => row.id === id)!);
  }

  async function updateDevices(input: Record<string, unknown>, token?: string) {
    return server.gql(updateDevicesMutation, { input }, token);
  }

  async function auditCount() {
    const rows = await server.app.database.db.select().from(auditLog).where(eq(auditLog.action, 'updateDevices'));
    return rows.length;
  }

  it('lets an admin disable and move several devices, then archive and unarchive them, in one audited call each', async () => {
    const from = await createDeviceGroup(server);
    const to = await createDeviceGroup(server);
    const ids = await devicesIn(from.id, 3);
    const [waiting] = await server.app.database.db
      .insert(jobs)
      .values({ deviceId: ids[0]!, runAfter: new Date(Date.now() + 86_400_000) })
      .returning({ id: jobs.id });
    const auditedBefore = await auditCount();

    const moved = await updateDevices({ deviceIds: ids, enabled: false, deviceGroupId: to.id });
    const afterMove = await rowsOf(ids);
    const [job] = await server.app.database.db.select().from(jobs).where(eq(jobs.id, waiting!.id));
    const archived = await updateDevices({ deviceIds: ids.slice(0, 2), archive: true });
    const [firstArchived] = await rowsOf([ids[0]!]);
    const again = await updateDevices({ deviceIds: ids, archive: true });
    const afterArchive = await rowsOf(ids);
    const restored = await updateDevices({ deviceIds: ids.slice(0, 1), archive: false });
    const notArchived = await updateDevices({ deviceIds: ids.slice(0, 1), archive: false });

    assert.deepEqual(moved.data.updateDevices, {
      __typename: 'UpdateDevicesSuccess',
      updatedCount: 3,
      skippedCount: 0,
      skipped: [],
    });
    assert.deepEqual(
      afterMove.map((row) => [row.enabled, row.deviceGroupId, row.manualOverrideAt !== null]),
      ids.map(() => [false, to.id, true]),
    );
    assert.deepEqual([job!.status, job!.errorCode], ['failed', 'aborted']);
    assert.equal(archived.data.updateDevices.updatedCount, 2);
    assert.equal(again.data.updateDevices.updatedCount, 1);
    assert.deepEqual(
      again.data.updateDevices.skipped.map((s: { deviceId: string; reason: string }) => [s.deviceId, s.reason]).sort(),
      ids
        .slice(0, 2)
        .map((id) => [id, 'ALREADY_ARCHIVED'])
        .sort(),
    );
    assert.ok(afterArchive.every((row) => row.archivedAt !== null));
    assert.equal(afterArchive[0]!.archivedAt!.getTime(), firstArchived!.archivedAt!.getTime(), 'kept, not re-stamped');
    assert.equal(restored.data.updateDevices.updatedCount, 1);
    assert.equal((await rowsOf(ids.slice(0, 1)))[0]!.archivedAt, null);
    assert.deepEqual(notArchived.data.updateDevices.skipped, [{ deviceId: ids[0], reason: 'NOT_ARCHIVED' }]);
    assert.equal((await auditCount()) - auditedBefore, 5);
  });

  it('refuses an operator a selection with a device outside their groups, changing nothing', async () => {
    const mine = await createDeviceGroup(server);
    const other = await createDeviceGroup(server);
    const operator = await createUserAndSignIn(server, 'operator', [mine.id]);
    const [own1, own2] = await devicesIn(mine.id, 2);
    const [foreign] = await devicesIn(other.id, 1);

    const mixed = await updateDevices({ deviceIds: [own1, foreign], enabled: false }, operator.token);
    const intoForeign = await updateDevices({ deviceIds: [own1, own2], deviceGroupId: other.id }, operator.token);
    const unchanged = await rowsOf([own1!, own2!, foreign!]);
    const withinOwn = await updateDevices({ deviceIds: [own1, own2], enabled: false }, operator.token);

    assert.equal(mixed.data.updateDevices.__typename, 'NotFoundError');
    assert.equal(intoForeign.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.deepEqual(
      unchanged.map((row) => [row.enabled, row.deviceGroupId]),
      [
        [true, mine.id],
        [true, mine.id],
        [true, other.id],
      ],
    );
    assert.equal(withinOwn.data.updateDevices.updatedCount, 2);
  });

  it('refuses a viewer of the devices’ group, changing nothing, and audits the refusal once', async () => {
    const group = await createDeviceGroup(server);
    const viewer = await createUserAndSignIn(server, 'viewer', [group.id]);
    const ids = await devicesIn(group.id, 2);
    const auditedBefore = await auditCount();

    const refused = await updateDevices({ deviceIds: ids, enabled: false, archive: true }, viewer.token);

    assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.ok((await rowsOf(ids)).every((row) => row.enabled && row.archivedAt === null));
    const audited = await server.app.database.db.select().from(auditLog).where(eq(auditLog.action, 'updateDevices'));
    assert.equal(audited.length - auditedBefore, 1);
    assert.equal(
      audited
        .filter((row) => row.actorUserId === viewer.id)
        .map((row) => row.outcome)
        .join(),
      'denied',
    );
  });

  it('rejects an empty, oversized or malformed list and a call that changes nothing with typed errors', async () => {
    const group = await createDeviceGroup(server);
    const [id] = await devicesIn(group.id, 1);
    const tooMany = Array.from({ length: 10_001 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

    const answers = await Promise.all([
      updateDevices({ deviceIds: [], enabled: false }),
      updateDevices({ deviceIds: tooMany, enabled: false }),
      updateDevices({ deviceIds: ['not-an-id'], enabled: false }),
      updateDevices({ deviceIds: [id] }),
    ]);

    assert.deepEqual(
      answers.map((answer) => [answer.data.updateDevices.__typename, answer.data.updateDevices.field]),
      [
        ['ValidationError', 'deviceIds'],
        ['ValidationError', 'deviceIds'],
        ['ValidationError', 'deviceIds'],
        ['ValidationError', 'input'],
      ],
    );
    assert.ok((await rowsOf([id!]))[0]!.enabled);
  });

  it('filters the devices list by collection group', async () => {
    const group = await createDeviceGroup(server);
    const nightly = await createCollectionGroup(server);
    const [inNightly, elsewhere] = await devicesIn(group.id, 2);
    await mutate(server, 'updateDevice', { id: inNightly, collectionGroupId: nightly.id }, 'device { id }');

    const listed = await server.gql(
      'query ($filter: DeviceFilter) { devices(first: 100, filter: $filter) { edges { node { id } } } }',
      { filter: { collectionGroupId: nightly.id } },
    );
    const malformed = await server.gql(
      'query ($filter: DeviceFilter) { devices(first: 100, filter: $filter) { edges { node { id } } } }',
      { filter: { collectionGroupId: 'nope' } },
    );

    const ids = listed.data.devices.edges.map((edge: { node: { id: string } }) => edge.node.id);
    assert.deepEqual(ids, [inNightly]);
    assert.ok(!ids.includes(elsewhere));
    assert.deepEqual(malformed.data.devices.edges, []);
  });
});
