/**
 * Inventory sync against a local server speaking NetBox's REST API (1,200 devices over 3 sites and 5
 * platforms, paged): devices land in the right groups with the right plugins; a change of 10 hosts, 5
 * removals and 3 additions is exactly 10 updated / 5 archived / 3 created (archived keep their versions);
 * dry runs change nothing; hand-edited devices are left alone; a 401 and a malformed page fail with the
 * reason and change nothing. Then the HTTP JSON and CSV sources, and the durable claim of periodic syncs.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  auditLog,
  backups,
  collectionGroups,
  deviceGroups,
  devices,
  inventorySources,
  inventorySyncRuns,
} from '@devicevault/schema/db/tables';
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { claimDueSources } from '../src/integrations/inventory/inventory-scheduler.js';
import { createInventoryService } from '../src/integrations/inventory/inventory-service.js';
import { createLogger } from '../src/log.js';
import { mutate } from './support/api-builders.js';
import { createCredential } from './support/builders.js';
import { type FakeNetbox, netboxFleet, startFakeNetbox } from './support/netbox-server.js';
import { seedVersion } from './support/seed-versions.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let netbox: FakeNetbox;
let sourceId: string;
let workDir: string;

const pluginOf: Record<string, string> = {
  ios: 'cisco_ios',
  eos: 'arista_eos',
  junos: 'juniper_junos',
  nxos: 'cisco_nxos',
  routeros: 'mikrotik_routeros',
};

const syncSelection = `
  __typename
  ... on SyncInventorySourceSuccess { run { id status dryRun created updated archived skipped report } }
  ... on InventorySyncFailedError { message run { id status error } }
  ... on Error { message }`;

async function sync(id: string, dryRun = false) {
  const result = await server.gql(
    `mutation ($input: SyncInventorySourceInput!) { syncInventorySource(input: $input) { ${syncSelection} } }`,
    { input: { id, dryRun } },
  );
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  return result.data.syncInventorySource;
}

async function createSource(input: Record<string, unknown>) {
  const payload = await mutate(server, 'createInventorySource', input, 'inventorySource { id hasSecret }');
  assert.equal(payload.__typename, 'CreateInventorySourceSuccess', JSON.stringify(payload));
  return payload.inventorySource as { id: string; hasSecret: boolean };
}

/** Everything a failed or dry sync must leave as it was. */
async function snapshot() {
  const db = server.app.database.db;
  const rows = await db
    .select({
      name: devices.name,
      host: devices.host,
      plugin: devices.pluginKey,
      group: devices.deviceGroupId,
      archived: devices.archivedAt,
    })
    .from(devices)
    .orderBy(devices.name);
  const groups = await db.select({ n: sql<number>`count(*)::int` }).from(deviceGroups);
  return { rows, groups: groups[0]!.n };
}

before(async () => {
  server = await startTestServer();
  netbox = await startFakeNetbox(netboxFleet(1200));
  workDir = await mkdtemp(join(tmpdir(), 'dv-inventory-'));
});

after(async () => {
  await server?.stop();
  await netbox?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('NetBox inventory sync', () => {
  it('creates every device in the right groups with the right plugins on the first sync', async () => {
    const source = await createSource({
      name: 'netbox',
      kind: 'NETBOX',
      url: netbox.url,
      token: netbox.token,
      settings: {
        filters: { status: 'active' },
        deviceGroupFrom: 'site',
        collectionGroupCustomField: 'backup_group',
        collectionGroupTagPrefix: 'backup-',
        platformMap: { ios: 'cisco_ios', eos: 'arista_eos' },
      },
    });
    sourceId = source.id;
    netbox.requests = 0;

    const result = await sync(sourceId);

    assert.equal(result.__typename, 'SyncInventorySourceSuccess', JSON.stringify(result));
    assert.deepEqual(
      [result.run.created, result.run.updated, result.run.archived, result.run.skipped],
      [1200, 0, 0, 0],
    );
    assert.equal(netbox.requests, 5, 'five pages of 250 (NetBox caps the page size)');
    assert.deepEqual(result.run.report.groupsCreated, [
      'collection:hourly',
      'collection:nightly',
      'device:AMS1',
      'device:FRA2',
      'device:LON3',
    ]);
    const db = server.app.database.db;
    const rows = await db
      .select({ device: devices, group: deviceGroups.name, collection: collectionGroups.name })
      .from(devices)
      .leftJoin(deviceGroups, eq(deviceGroups.id, devices.deviceGroupId))
      .leftJoin(collectionGroups, eq(collectionGroups.id, devices.collectionGroupId))
      .where(eq(devices.inventorySourceId, sourceId));
    assert.equal(rows.length, 1200);
    const expected = new Map(netboxFleet(1200).map((device) => [device.name, device]));
    for (const { device, group, collection } of rows) {
      const want = expected.get(device.name)!;
      assert.equal(group, want.site, device.name);
      assert.equal(device.pluginKey, pluginOf[want.platform!], device.name);
      assert.equal(device.host, want.address!.replace(/\/24$/, ''), device.name);
      assert.equal(device.inventoryKey, String(want.id));
      assert.equal(collection, want.backupGroup ?? (want.tags.length ? 'nightly' : null), device.name);
    }
    const perSite = await db
      .select({ group: deviceGroups.name, n: sql<number>`count(*)::int` })
      .from(devices)
      .innerJoin(deviceGroups, eq(deviceGroups.id, devices.deviceGroupId))
      .groupBy(deviceGroups.name)
      .orderBy(deviceGroups.name);
    assert.deepEqual(perSite, [
      { group: 'AMS1', n: 400 },
      { group: 'FRA2', n: 400 },
      { group: 'LON3', n: 400 },
    ]);
  });

  it('reports exactly 10 updated, 5 archived and 3 created after NetBox changes, dry run first', async () => {
    const db = server.app.database.db;
    const leaving = netbox.devices.slice(0, 5);
    for (const device of leaving) {
      const [row] = await db.select().from(devices).where(eq(devices.name, device.name));
      await seedVersion(server, { deviceId: row!.id, deviceName: row!.name, bytes: `hostname ${row!.name}\n` });
    }
    netbox.devices = [
      ...netbox.devices
        .slice(5)
        .map((device) =>
          device.id >= 100 && device.id < 110 ? { ...device, address: `192.0.2.${device.id - 99}/24` } : device,
        ),
      ...netboxFleet(3, 2001),
    ];
    const before = await snapshot();

    const dry = await sync(sourceId, true);
    const afterDry = await snapshot();
    const real = await sync(sourceId);

    assert.deepEqual([dry.run.created, dry.run.updated, dry.run.archived, dry.run.dryRun], [3, 10, 5, true]);
    assert.deepEqual(afterDry, before, 'a dry run changes nothing');
    assert.deepEqual([real.run.created, real.run.updated, real.run.archived, real.run.skipped], [3, 10, 5, 0]);
    assert.deepEqual(real.run.report.archived, ['nb-00001', 'nb-00002', 'nb-00003', 'nb-00004', 'nb-00005']);
    assert.deepEqual(real.run.report.created, ['nb-02001', 'nb-02002', 'nb-02003']);
    assert.deepEqual(real.run.report.updated[0], {
      name: 'nb-00100',
      changes: { host: { from: '10.0.0.100', to: '192.0.2.1' } },
    });
    const archived = await db
      .select({ id: devices.id, name: devices.name })
      .from(devices)
      .where(and(eq(devices.inventorySourceId, sourceId), isNotNull(devices.archivedAt)));
    assert.deepEqual(
      archived.map((row) => row.name).sort(),
      leaving.map((device) => device.name),
    );
    const versions = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(backups)
      .where(
        inArray(
          backups.deviceId,
          archived.map((row) => row.id),
        ),
      );
    assert.equal(versions[0]!.n, 5, 'archived devices keep their versions');
    const [moved] = await db.select().from(devices).where(eq(devices.name, 'nb-00105'));
    assert.equal(moved!.host, '192.0.2.6');
    const audit = await db.select().from(auditLog).where(eq(auditLog.action, 'inventory.sync'));
    assert.ok(audit.some((row) => (row.details as { updated?: number }).updated === 10));
  });

  it('leaves a device edited by hand alone and says so', async () => {
    const db = server.app.database.db;
    const [device] = await db.select().from(devices).where(eq(devices.name, 'nb-00200'));
    const credential = await createCredential(server, { username: 'netops', secret: 'device-password' });
    const edited = await mutate(
      server,
      'updateDevice',
      { id: device!.id, port: 2222, credentialId: credential.id },
      'device { id }',
    );
    assert.equal(edited.__typename, 'UpdateDeviceSuccess', JSON.stringify(edited));
    netbox.devices = netbox.devices.map((one) => (one.id === 200 ? { ...one, address: '198.51.100.200/24' } : one));

    const result = await sync(sourceId);

    assert.equal(result.run.updated, 0);
    assert.deepEqual(result.run.report.skipped, [
      { name: 'nb-00200', reason: 'edited by hand: the source’s values are not applied' },
    ]);
    const [after] = await db.select().from(devices).where(eq(devices.id, device!.id));
    assert.equal(after!.host, device!.host);
    assert.equal(after!.port, 2222);
  });

  it('still applies the source to a device whose host key was forgotten (no hand edit of what it manages)', async () => {
    const db = server.app.database.db;
    const [device] = await db.select().from(devices).where(eq(devices.name, 'nb-00210'));
    // As a source with a default credential creates it, after a first backup pinned its key.
    const credential = await createCredential(server, { name: 'nb-default', username: 'netops', secret: 'pw' });
    await db
      .update(devices)
      .set({ credentialId: credential.id, hostKeyFingerprint: 'SHA256:old-key' })
      .where(eq(devices.id, device!.id));
    const forgot = await mutate(server, 'updateDevice', { id: device!.id, forgetHostKey: true }, 'device { id }');
    assert.equal(forgot.__typename, 'UpdateDeviceSuccess', JSON.stringify(forgot));
    netbox.devices = netbox.devices.map((one) => (one.id === 210 ? { ...one, address: '198.51.100.210/24' } : one));

    const result = await sync(sourceId);

    assert.deepEqual(result.run.report.updated, [
      { name: 'nb-00210', changes: { host: { from: device!.host, to: '198.51.100.210' } } },
    ]);
    const [after] = await db.select().from(devices).where(eq(devices.id, device!.id));
    assert.deepEqual([after!.host, after!.hostKeyFingerprint, after!.manualOverrideAt], ['198.51.100.210', null, null]);
  });

  it('fails on a 401 with the reason and changes nothing', async () => {
    netbox.devices = netbox.devices.map((one) => (one.id === 300 ? { ...one, address: '198.51.100.30/24' } : one));
    const before = await snapshot();
    const wrong = await mutate(
      server,
      'updateInventorySource',
      { id: sourceId, token: 'not-the-token' },
      'inventorySource { id }',
    );
    assert.equal(wrong.__typename, 'UpdateInventorySourceSuccess');

    const result = await sync(sourceId);

    assert.equal(result.__typename, 'InventorySyncFailedError');
    assert.match(result.message, /refused the credentials \(HTTP 401: Invalid token\)/);
    assert.equal(result.run.status, 'failed');
    assert.deepEqual(await snapshot(), before);
  });

  it('fails on a malformed page with the reason and changes nothing', async () => {
    await mutate(server, 'updateInventorySource', { id: sourceId, token: netbox.token }, 'inventorySource { id }');
    netbox.malformedPages.add(3);
    const before = await snapshot();

    const result = await sync(sourceId);

    assert.equal(result.__typename, 'InventorySyncFailedError');
    assert.match(result.message, /answered malformed JSON/);
    assert.deepEqual(await snapshot(), before, 'pages 1 and 2 were read, but nothing was written');
    netbox.malformedPages.clear();
    const recovered = await sync(sourceId);
    assert.equal(recovered.run.updated, 1, 'the pending change applies once the source reads again');
  });

  it('fails on a source that does not answer in time, with the reason, and changes nothing', async () => {
    const silent = createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const source = await createSource({
      name: 'netbox-silent',
      kind: 'NETBOX',
      url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      token: 'whatever',
      settings: { timeoutSeconds: 1 },
    });
    const before = await snapshot();

    const result = await sync(source.id);
    silent.closeAllConnections();
    silent.close();

    assert.equal(result.__typename, 'InventorySyncFailedError');
    assert.match(result.message, /no answer within 1 s/);
    assert.deepEqual(await snapshot(), before);
  });

  it('keeps the token encrypted at rest and never returns it', async () => {
    const [row] = await server.app.database.db.select().from(inventorySources).where(eq(inventorySources.id, sourceId));
    const listed = await server.gql('{ inventorySources { id hasSecret settings runs(first: 3) { status error } } }');

    assert.ok(row!.secretCiphertext);
    assert.equal(row!.secretCiphertext!.includes(netbox.token), false);
    assert.equal(JSON.stringify(listed).includes(netbox.token), false);
    assert.equal(listed.data.inventorySources[0].hasSecret, true);
    assert.equal(listed.data.inventorySources[0].runs.length, 3);
  });
});

describe('HTTP JSON and CSV inventory sources', () => {
  it('reads a generic HTTP JSON list with headers, a JSON path and a field mapping', async () => {
    const http = createServer((request, response) => {
      if (request.headers['x-api-key'] !== 'k3y') {
        response.writeHead(401).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          data: {
            devices: [
              { hostname: 'http-sw1', ip: '203.0.113.1', os: 'ios', site: 'HTTP-SITE' },
              { hostname: 'http-sw2', ip: '203.0.113.2', os: 'unknown-os', site: 'HTTP-SITE' },
            ],
          },
        }),
      );
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const source = await createSource({
      name: 'http-json',
      kind: 'HTTP',
      url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/inventory`,
      headers: { 'x-api-key': 'k3y' },
      settings: { listPath: 'data.devices', fieldMap: { name: 'hostname', host: 'ip', model: 'os', group: 'site' } },
    });

    const result = await sync(source.id);
    http.close();

    assert.deepEqual(result.run.report.created, ['http-sw1']);
    assert.deepEqual(result.run.report.skipped, [
      { name: 'http-sw2', reason: 'platform "unknown-os" maps to no plugin (add it to the source\'s platformMap)' },
    ]);
    const [device] = await server.app.database.db.select().from(devices).where(eq(devices.name, 'http-sw1'));
    assert.equal(device!.host, '203.0.113.1');
    assert.equal(device!.pluginKey, 'cisco_ios');
  });

  it('reads a CSV file with the import columns and archives a row that is removed', async () => {
    const file = join(workDir, 'inventory.csv');
    await writeFile(
      file,
      'name,host,pluginKey,deviceGroup\ncsv-r1,192.0.2.201,vyos,CSV-GROUP\ncsv-r2,192.0.2.202,noop,\n',
    );
    const source = await createSource({ name: 'csv-file', kind: 'CSV', url: file });

    const first = await sync(source.id);
    await writeFile(file, 'name,host,pluginKey,deviceGroup\ncsv-r1,192.0.2.211,vyos,CSV-GROUP\n');
    const second = await sync(source.id);

    assert.deepEqual(first.run.report.created, ['csv-r1', 'csv-r2']);
    assert.deepEqual([second.run.updated, second.run.archived], [1, 1]);
    const [r2] = await server.app.database.db.select().from(devices).where(eq(devices.name, 'csv-r2'));
    assert.ok(r2!.archivedAt, 'removed from the CSV: archived, not deleted');
  });
});

describe('periodic inventory syncs', () => {
  it('lets exactly one of several processes claim a due source, once per interval', async () => {
    const db = server.app.database.db;
    const source = await createSource({
      name: 'periodic',
      kind: 'CSV',
      url: '/nonexistent.csv',
      intervalSeconds: 3600,
    });
    await db.update(inventorySources).set({ lastRunAt: null }).where(eq(inventorySources.id, source.id));

    const claims = await Promise.all([claimDueSources(db), claimDueSources(db), claimDueSources(db)]);
    const later = await claimDueSources(db);

    assert.equal(claims.filter((ids) => ids.includes(source.id)).length, 1);
    assert.equal(later.includes(source.id), false, 'not due again before its interval has passed');
  });

  it('syncs a due source in the background and records the run', async () => {
    const db = server.app.database.db;
    const file = join(workDir, 'background.csv');
    await writeFile(file, 'name,host,pluginKey\nbg-r1,192.0.2.250,noop\n');
    const source = await createSource({ name: 'background', kind: 'CSV', url: file, intervalSeconds: 3600 });
    const service = createInventoryService({
      db,
      log: createLogger('silent'),
      decrypt: (text) => text,
      tickMs: 100,
    });

    service.start();
    let runs: unknown[] = [];
    for (let i = 0; i < 300 && runs.length === 0; i++) {
      runs = await db.select().from(inventorySyncRuns).where(eq(inventorySyncRuns.sourceId, source.id));
      if (runs.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await service.stop();

    assert.equal(runs.length, 1, 'one background run, then not again within the interval');
    assert.equal((runs[0] as { requestedBy: string }).requestedBy, 'scheduler');
    const [device] = await db.select().from(devices).where(eq(devices.name, 'bg-r1'));
    assert.equal(device!.inventorySourceId, source.id);
  });
});
