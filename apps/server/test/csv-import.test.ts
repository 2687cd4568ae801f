/**
 * Bulk CSV import through the public mutation: invalid rows are reported by line and field, valid rows are
 * created together in one transaction, a dry run writes nothing, and quoting follows RFC 4180.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { devices } from '@devicevault/schema/db/tables';
import { like, sql } from 'drizzle-orm';
import { createCollectionGroup, createDeviceGroup, createUserAndSignIn, unique } from './support/api-builders.js';
import { createCredential } from './support/builders.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const importMutation = `mutation ($input: ImportDevicesCsvInput!) {
  importDevicesCsv(input: $input) {
    __typename
    ... on ImportDevicesCsvSuccess { dryRun createdCount invalidRowCount rowErrors { line field message } }
    ... on CsvRowsInvalidError { message rowErrors { line field } }
    ... on ValidationError { field message }
  }
}`;

interface World {
  credential: string;
  deviceGroup: string;
  collectionGroup: string;
}

/** 10,000 rows; rows 1234, 5000 and 9876 (0-based) each have exactly one bad field. */
function tenThousandRows(tag: string, world: World) {
  const lines = ['name,host,port,pluginKey,credential,deviceGroup,collectionGroup,enabled'];
  for (let index = 0; index < 10_000; index++) {
    const host = index === 1234 ? 'not a host!' : `10.${(index >> 8) & 255}.${index & 255}.1`;
    const credential = index === 5000 ? 'no-such-credential' : world.credential;
    const port = index === 9876 ? '70000' : '22';
    lines.push(
      `${tag}-${index},${host},${port},cisco_ios,${credential},${world.deviceGroup},${world.collectionGroup},${index % 2 === 0}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function countDevices(server: TestServer, tag: string): Promise<number> {
  const [row] = await server.app.database.db
    .select({ count: sql<number>`count(*)::int` })
    .from(devices)
    .where(like(devices.name, `${tag}%`));
  return row!.count;
}

describe('importDevicesCsv', () => {
  let server: TestServer;
  let world: World;

  before(async () => {
    server = await startTestServer();
    world = {
      credential: (await createCredential(server, { name: `import-cred-${unique()}`, username: 'u', secret: 'p' }))
        .name,
      deviceGroup: (await createDeviceGroup(server)).name,
      collectionGroup: (await createCollectionGroup(server)).name,
    };
  });

  after(async () => {
    await server.stop();
  });

  it('reports 3 bad rows of 10,000 by line and field in a dry run and creates nothing', async () => {
    const tag = `dry-${unique()}`;

    const result = await server.gql(importMutation, { input: { csv: tenThousandRows(tag, world), dryRun: true } });

    const payload = result.data.importDevicesCsv;
    assert.equal(payload.__typename, 'ImportDevicesCsvSuccess');
    assert.deepEqual([payload.dryRun, payload.createdCount, payload.invalidRowCount], [true, 9997, 3]);
    assert.equal(await countDevices(server, tag), 0);
  });

  it('creates nothing at all when skipInvalidRows is false and a row is invalid', async () => {
    const tag = `strict-${unique()}`;

    const result = await server.gql(importMutation, {
      input: { csv: tenThousandRows(tag, world), skipInvalidRows: false },
    });

    const payload = result.data.importDevicesCsv;
    assert.equal(payload.__typename, 'CsvRowsInvalidError');
    assert.equal(payload.rowErrors.length, 3);
    assert.equal(await countDevices(server, tag), 0);
  });

  it('creates the 9,997 valid devices of 10,000 and reports the 3 invalid rows by line and field', async () => {
    const tag = `bulk-${unique()}`;

    const result = await server.gql(importMutation, { input: { csv: tenThousandRows(tag, world) } });

    const payload = result.data.importDevicesCsv;
    assert.equal(payload.__typename, 'ImportDevicesCsvSuccess');
    assert.deepEqual([payload.dryRun, payload.createdCount, payload.invalidRowCount], [false, 9997, 3]);
    assert.deepEqual(
      payload.rowErrors.map((error: { line: number; field: string }) => [error.line, error.field]),
      [
        [1236, 'host'],
        [5002, 'credential'],
        [9878, 'port'],
      ],
    );
    assert.equal(await countDevices(server, tag), 9997);
    const [sample] = await server.app.database.db
      .select()
      .from(devices)
      .where(like(devices.name, `${tag}-7`));
    assert.deepEqual([sample!.host, sample!.port, sample!.enabled], ['10.0.7.1', 22, false]);
  });

  it('writes none of the valid rows when the database fails part-way through the inserts', async () => {
    const tag = `atomic-${unique()}`;
    const poison = `${tag}-2500`;
    const { db } = server.app.database;
    await db.execute(
      sql.raw(`create or replace function refuse_poison() returns trigger language plpgsql as $$
        begin if new.name = '${poison}' then raise exception 'poisoned row'; end if; return new; end $$`),
    );
    await db.execute(
      sql.raw('create trigger refuse_poison before insert on devices for each row execute function refuse_poison()'),
    );
    const csv = tenThousandRows(tag, world).split('\n').slice(0, 3001).join('\n');

    const result = await server.gql(importMutation, { input: { csv } });
    await db.execute(sql.raw('drop trigger refuse_poison on devices'));

    assert.ok(result.errors && result.errors.length > 0);
    assert.equal(await countDevices(server, tag), 0);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, and counts lines from the header', async () => {
    const tag = `quoted-${unique()}`;
    const csv = [
      'Name,Host,Plugin_Key,Credential,Enabled',
      `"${tag}, rack 4",10.9.0.1,cisco_ios,"${world.credential}",yes\r`,
      `"${tag} ""core""",10.9.0.2,noop,,`,
      `"${tag} two`,
      `lines",10.9.0.3,noop,,no`,
      `${tag}-bad,10.9.0.4,no_such_plugin,,`,
      `${tag}-dup,10.9.0.5,noop,,`,
      `${tag}-dup,10.9.0.6,noop,,`,
      `${tag}-stray"quote,10.9.0.7,noop,,`,
      `${tag}-short,10.9.0.8`,
    ].join('\n');

    const result = await server.gql(importMutation, { input: { csv } });

    const payload = result.data.importDevicesCsv;
    assert.equal(payload.createdCount, 4);
    assert.deepEqual(
      payload.rowErrors.map((error: { line: number; field: string }) => [error.line, error.field]),
      [
        [6, 'pluginKey'],
        [8, 'name'],
        [9, 'row'],
        [10, 'row'],
      ],
    );
    const names = await server.app.database.db
      .select({ name: devices.name })
      .from(devices)
      .where(like(devices.name, `${tag}%`));
    assert.deepEqual(names.map((row) => row.name).sort(), [
      `${tag} "core"`,
      `${tag} two\nlines`,
      `${tag}, rack 4`,
      `${tag}-dup`,
    ]);
  });

  it('rejects a header with an unknown or missing column before looking at any row', async () => {
    const unknown = await server.gql(importMutation, { input: { csv: 'name,host,pluginKey,colour\n' } });
    const missing = await server.gql(importMutation, { input: { csv: 'name,pluginKey\nx,noop\n' } });

    assert.deepEqual(
      [unknown.data.importDevicesCsv.__typename, unknown.data.importDevicesCsv.field],
      ['ValidationError', 'csv'],
    );
    assert.match(missing.data.importDevicesCsv.message, /missing column\(s\): host/);
  });

  it('lets an operator import only into device groups they operate', async () => {
    const mine = await createDeviceGroup(server);
    const operator = await createUserAndSignIn(server, 'operator', [mine.id]);
    const tag = `op-${unique()}`;
    const csv = [
      'name,host,pluginKey,deviceGroup',
      `${tag}-1,10.8.0.1,noop,${mine.name}`,
      `${tag}-2,10.8.0.2,noop,${world.deviceGroup}`,
      `${tag}-3,10.8.0.3,noop,`,
    ].join('\n');

    const result = await server.gql(importMutation, { input: { csv } }, operator.token);

    const payload = result.data.importDevicesCsv;
    assert.equal(payload.createdCount, 1);
    assert.deepEqual(
      payload.rowErrors.map((error: { line: number; field: string }) => [error.line, error.field]),
      [
        [3, 'deviceGroup'],
        [4, 'deviceGroup'],
      ],
    );
  });
});
