/**
 * `devicesChanged` (issue 15 item 2: a devices list that stays current): a device created, renamed or deleted
 * through the API, and a CSV import, each reach a subscriber of the device's group as one event through the
 * database's trigger (on PGlite and PostgreSQL alike); a subscriber of another group hears nothing; an import
 * of more than 50 devices is one event without ids.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDeviceGroup, createUserAndSignIn, mutate } from './support/api-builders.js';
import { createDevice } from './support/builders.js';
import { startTestServer, type TestServer } from './support/test-server.js';

interface Change {
  kind: string;
  count: number | null;
  deviceIds: string[] | null;
}

/** Waits are for things that must happen; minutes, so a busy machine never fails them. */
async function eventually(condition: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 2 * 60_000; !condition() && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('devicesChanged', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  function listen(token: string): Change[] {
    const heard: Change[] = [];
    server
      .ws(token)
      .subscribe<{ devicesChanged: Change }>(
        { query: 'subscription { devicesChanged { kind count deviceIds } }' },
        { next: (result) => heard.push(result.data!.devicesChanged), error: () => {}, complete: () => {} },
      );
    return heard;
  }

  it('tells a group’s subscribers of every write to its devices, and nobody else', async () => {
    const groupA = await createDeviceGroup(server);
    const groupB = await createDeviceGroup(server);
    const viewerA = await createUserAndSignIn(server, 'viewer', [groupA.id]);
    const viewerB = await createUserAndSignIn(server, 'viewer', [groupB.id]);
    const heardA = listen(viewerA.token);
    const heardB = listen(viewerB.token);
    // Writes until both subscriptions are live (one opened after a write never hears it): each viewer hears a
    // device of their own group.
    const probesA: string[] = [];
    const probesB: string[] = [];
    const heardProbe = (heard: Change[], probes: string[]) =>
      heard.some((change) => change.deviceIds?.some((id) => probes.includes(id)));
    for (const deadline = Date.now() + 2 * 60_000; Date.now() < deadline; ) {
      probesA.push((await createDevice(server, { pluginKey: 'noop', deviceGroupId: groupA.id })).id);
      probesB.push((await createDevice(server, { pluginKey: 'noop', deviceGroupId: groupB.id })).id);
      await new Promise((resolve) => setTimeout(resolve, 250));
      if (heardProbe(heardA, probesA) && heardProbe(heardB, probesB)) break;
    }

    const device = await createDevice(server, { pluginKey: 'noop', deviceGroupId: groupA.id });
    await eventually(() => heardA.some((change) => change.kind === 'CREATED' && change.deviceIds?.includes(device.id)));
    await mutate(server, 'updateDevice', { id: device.id, name: `renamed-${device.id.slice(0, 8)}` }, 'device { id }');
    await eventually(() => heardA.some((change) => change.kind === 'UPDATED' && change.deviceIds?.includes(device.id)));
    await mutate(server, 'deleteDevice', { id: device.id }, '__typename');
    await eventually(() => heardA.some((change) => change.kind === 'DELETED' && change.deviceIds?.includes(device.id)));

    const rows = Array.from(
      { length: 60 },
      (_, i) => `imported-${groupA.id.slice(0, 8)}-${i},10.0.0.${i + 1},noop,${groupA.name}`,
    );
    const imported = await mutate(
      server,
      'importDevicesCsv',
      { csv: ['name,host,pluginKey,deviceGroup', ...rows].join('\n') },
      'createdCount',
    );
    assert.equal(imported.__typename, 'ImportDevicesCsvSuccess', JSON.stringify(imported));
    await eventually(() => heardA.some((change) => change.kind === 'CREATED' && change.count === 60));
    const importEvents = heardA.filter((change) => change.kind === 'CREATED' && change.count === 60);
    assert.equal(importEvents.length, 1, 'an import is one event');
    assert.equal(importEvents[0]!.deviceIds, null, 'ids only for small writes');

    // Viewer B heard its own probe and nothing of group A.
    const probeAgain = await createDevice(server, { pluginKey: 'noop', deviceGroupId: groupB.id });
    await eventually(() => heardB.some((change) => change.deviceIds?.includes(probeAgain.id)));
    assert.equal(
      heardB.some((change) => change.deviceIds?.includes(device.id) || change.count === 60),
      false,
      'group B heard of group A',
    );
    assert.equal(heardProbe(heardB, probesA), false, 'group B heard of group A’s probes');
    assert.equal(heardProbe(heardA, probesB), false, 'group A heard of group B');
  });
});
