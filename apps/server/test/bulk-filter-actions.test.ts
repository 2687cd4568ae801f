/**
 * Bulk actions on "every device matching the filter": updateDevices and triggerBackup take the devices list's
 * own filter instead of ids, act on every matching device across pages (the list's totalCount), scoped to what
 * the caller's list shows, all or nothing, and refuse a filter matching more than 10,000 devices.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { devices, jobs } from '@devicevault/schema/db/tables';
import { and, eq, inArray, like } from 'drizzle-orm';
import { createDeviceGroup, createUserAndSignIn, unique } from './support/api-builders.js';
import { createDevice } from './support/builders.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const updateDevicesMutation = `mutation ($input: UpdateDevicesInput!) {
  updateDevices(input: $input) {
    __typename
    ... on UpdateDevicesSuccess { updatedCount skippedCount }
    ... on ValidationError { field }
    ... on Error { message }
  }
}`;

const triggerBackupMutation = `mutation ($input: TriggerBackupInput!) {
  triggerBackup(input: $input) {
    __typename
    ... on TriggerBackupSuccess { queuedCount skippedCount }
    ... on ValidationError { field }
    ... on Error { message }
  }
}`;

const countQuery = `query ($filter: DeviceFilter) {
  devices(first: 10, filter: $filter) { totalCount edges { node { id } } pageInfo { hasNextPage } }
}`;

describe('bulk actions on every device matching a filter', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  async function devicesNamed(prefix: string, groupId: string, count: number) {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1)
      ids.push((await createDevice(server, { name: `${prefix}-${i}`, pluginKey: 'noop', deviceGroupId: groupId })).id);
    return ids;
  }

  async function enabledOf(ids: string[]) {
    const rows = await server.app.database.db.select().from(devices).where(inArray(devices.id, ids));
    return ids.map((id) => rows.find((row) => row.id === id)!.enabled);
  }

  async function jobsOf(ids: string[]) {
    const rows = await server.app.database.db.select().from(jobs).where(inArray(jobs.deviceId, ids));
    return new Set(rows.map((row) => row.deviceId));
  }

  it('disables every matching device across pages, counted by the list’s totalCount, leaving the others as they were', async () => {
    const group = await createDeviceGroup(server);
    const token = `sweep-${unique()}`;
    const matching = await devicesNamed(token, group.id, 105);
    const others = await devicesNamed(`keep-${unique()}`, group.id, 3);
    const filter = { search: token, deviceGroupId: group.id };

    const listed = await server.gql(countQuery, { filter });
    const disabled = await server.gql(updateDevicesMutation, { input: { filter, enabled: false } });
    const again = await server.gql(updateDevicesMutation, { input: { filter, enabled: false } });

    assert.deepEqual([listed.data.devices.totalCount, listed.data.devices.pageInfo.hasNextPage], [105, true]);
    assert.deepEqual(disabled.data.updateDevices, {
      __typename: 'UpdateDevicesSuccess',
      updatedCount: 105,
      skippedCount: 0,
    });
    assert.deepEqual(again.data.updateDevices.skippedCount, 105);
    assert.ok((await enabledOf(matching)).every((enabled) => !enabled));
    assert.deepEqual(await enabledOf(others), [true, true, true]);
  });

  it('backs up every enabled device matching a filter, and only those', async () => {
    const group = await createDeviceGroup(server);
    const token = `backup-${unique()}`;
    const matching = await devicesNamed(token, group.id, 4);
    const others = await devicesNamed(`quiet-${unique()}`, group.id, 2);
    await server.gql(updateDevicesMutation, { input: { deviceIds: [matching[3]], enabled: false } });

    const queued = await server.gql(triggerBackupMutation, { input: { filter: { search: token, enabled: true } } });

    assert.deepEqual(queued.data.triggerBackup, {
      __typename: 'TriggerBackupSuccess',
      queuedCount: 3,
      skippedCount: 0,
    });
    assert.deepEqual([...(await jobsOf(matching))].sort(), matching.slice(0, 3).sort());
    assert.equal((await jobsOf(others)).size, 0);
  });

  it('scopes an operator of group A to group A: a filter matching group-B devices changes and queues only theirs', async () => {
    const groupA = await createDeviceGroup(server);
    const groupB = await createDeviceGroup(server);
    const operator = await createUserAndSignIn(server, 'operator', [groupA.id]);
    const token = `both-${unique()}`;
    const inA = await devicesNamed(`${token}-a`, groupA.id, 2);
    const inB = await devicesNamed(`${token}-b`, groupB.id, 2);

    const listed = await server.gql(countQuery, { filter: { search: token } }, operator.token);
    const disabled = await server.gql(
      updateDevicesMutation,
      { input: { filter: { search: token }, enabled: false } },
      operator.token,
    );
    const namingB = await server.gql(
      updateDevicesMutation,
      { input: { filter: { deviceGroupId: groupB.id }, archive: true } },
      operator.token,
    );
    await server.gql(updateDevicesMutation, { input: { deviceIds: inA, enabled: true } });
    const queued = await server.gql(triggerBackupMutation, { input: { filter: { search: token } } }, operator.token);

    assert.equal(listed.data.devices.totalCount, 2);
    assert.equal(disabled.data.updateDevices.updatedCount, 2);
    assert.deepEqual(namingB.data.updateDevices, {
      __typename: 'UpdateDevicesSuccess',
      updatedCount: 0,
      skippedCount: 0,
    });
    assert.deepEqual(await enabledOf(inB), [true, true]);
    const archivedB = await server.app.database.db.select().from(devices).where(inArray(devices.id, inB));
    assert.ok(archivedB.every((row) => row.archivedAt === null));
    assert.equal(queued.data.triggerBackup.queuedCount, 2);
    assert.deepEqual([...(await jobsOf([...inA, ...inB]))].sort(), [...inA].sort());
  });

  it('refuses a viewer’s filter, and a call giving both or neither of ids and filter, changing nothing', async () => {
    const group = await createDeviceGroup(server);
    const viewer = await createUserAndSignIn(server, 'viewer', [group.id]);
    const token = `look-${unique()}`;
    const ids = await devicesNamed(token, group.id, 2);

    const byViewer = await server.gql(
      updateDevicesMutation,
      { input: { filter: { search: token }, enabled: false } },
      viewer.token,
    );
    const backupByViewer = await server.gql(
      triggerBackupMutation,
      { input: { filter: { search: token } } },
      viewer.token,
    );
    const both = await server.gql(updateDevicesMutation, {
      input: { deviceIds: ids, filter: { search: token }, enabled: false },
    });
    const neither = await server.gql(updateDevicesMutation, { input: { enabled: false } });
    const backupBoth = await server.gql(triggerBackupMutation, { input: { all: true, filter: { search: token } } });

    assert.equal(byViewer.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal(backupByViewer.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.deepEqual(
      [both, neither, backupBoth].map((answer) => {
        const payload = answer.data.updateDevices ?? answer.data.triggerBackup;
        return [payload.__typename, payload.field];
      }),
      [
        ['ValidationError', 'deviceIds'],
        ['ValidationError', 'deviceIds'],
        ['ValidationError', 'filter'],
      ],
    );
    assert.deepEqual(await enabledOf(ids), [true, true]);
    assert.equal((await jobsOf(ids)).size, 0);
  });

  it('refuses a filter matching more than 10,000 devices, and changes exactly 10,000 in one call', async () => {
    const group = await createDeviceGroup(server);
    const token = `fleet-${unique()}`;
    const rows = Array.from({ length: 10_001 }, (_, i) => ({
      name: `${token}-${String(i).padStart(5, '0')}`,
      host: '192.0.2.1',
      pluginKey: 'noop',
      deviceGroupId: group.id,
    }));
    for (let i = 0; i < rows.length; i += 1_000)
      await server.app.database.db.insert(devices).values(rows.slice(i, i + 1_000));
    const filter = { search: token };

    const tooMany = await server.gql(updateDevicesMutation, { input: { filter, enabled: false } });
    const tooManyBackups = await server.gql(triggerBackupMutation, { input: { filter } });
    const untouched = await server.app.database.db
      .select({ id: devices.id })
      .from(devices)
      .where(and(like(devices.name, `${token}-%`), eq(devices.enabled, false)));
    await server.app.database.db
      .update(devices)
      .set({ archivedAt: new Date() })
      .where(eq(devices.name, `${token}-00000`));
    const tenThousand = await server.gql(updateDevicesMutation, { input: { filter, enabled: false } });
    const disabled = await server.app.database.db
      .select({ id: devices.id, enabled: devices.enabled })
      .from(devices)
      .where(like(devices.name, `${token}-%`));

    assert.deepEqual(
      [tooMany.data.updateDevices, tooManyBackups.data.triggerBackup].map((payload) => [
        payload.__typename,
        payload.field,
      ]),
      [
        ['ValidationError', 'filter'],
        ['ValidationError', 'filter'],
      ],
    );
    assert.equal(untouched.length, 0);
    assert.equal(tenThousand.data.updateDevices.updatedCount, 10_000);
    assert.equal(disabled.filter((row) => !row.enabled).length, 10_000);
  });
});
