/**
 * updateStorageLocation: fields left out stay; typed ValidationErrors on the field at fault; kind and path
 * change only while the location holds no version (a stored version keeps them, so it is never orphaned);
 * the mirror secret is write-only (kept when left out, sealed anew when given, never following the URL to
 * another host); the default moves to the edited location; the edit is in the audit log.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { storageLocations } from '@devicevault/schema/db/tables';
import { eq } from 'drizzle-orm';
import { createSecretBox, loadSecretKey } from '../src/secrets/secret-box.js';
import { mutate, unique } from './support/api-builders.js';
import { createDevice } from './support/builders.js';
import { registryFor, seedVersion } from './support/seed-versions.js';
import { startTestServer, type TestServer } from './support/test-server.js';

type Location = {
  id: string;
  name: string;
  kind: 'FS' | 'GIT';
  path: string;
  isDefault: boolean;
  mirrorUrl: string | null;
  mirrorBranch: string | null;
  hasMirrorSecret: boolean;
};
const fields = 'storageLocation { id name kind path isDefault mirrorUrl mirrorBranch hasMirrorSecret }';
// Nothing listens on the discard port: the background pushes these mirrors start fail at once.
const remoteA = 'https://127.0.0.1:9/backups.git';
const remoteB = 'https://localhost:9/backups.git';
const testKey = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});

after(async () => {
  await server.stop();
});

async function createLocation(kind: 'FS' | 'GIT', extra: Record<string, unknown> = {}): Promise<Location> {
  const name = `loc-${unique()}`;
  const payload = await mutate<{ storageLocation: Location }>(
    server,
    'createStorageLocation',
    { name, kind, path: `locations/${name}`, ...extra },
    fields,
  );
  assert.equal(payload.__typename, 'CreateStorageLocationSuccess', JSON.stringify(payload));
  return payload.storageLocation;
}

function update(input: Record<string, unknown>) {
  return mutate<{ storageLocation: Location }>(server, 'updateStorageLocation', input, fields);
}

async function locations(): Promise<Location[]> {
  const result = await server.gql(
    '{ storageLocations { id name kind path isDefault mirrorUrl mirrorBranch hasMirrorSecret } }',
  );
  return result.data.storageLocations;
}

async function storedSecret(id: string): Promise<string | null> {
  const [row] = await server.app.database.db.select().from(storageLocations).where(eq(storageLocations.id, id));
  return row?.mirrorSecretCiphertext ?? null;
}

async function decrypt(ciphertext: string): Promise<unknown> {
  const box = createSecretBox(await loadSecretKey(undefined, server.dataDir));
  return JSON.parse(box.decrypt(ciphertext));
}

describe('updateStorageLocation', () => {
  it('renames a location and makes it the default, keeping what was left out', async () => {
    const previousDefault = await createLocation('FS', { isDefault: true });
    const location = await createLocation('FS');
    const name = `renamed-${unique()}`;

    const payload = await update({ id: location.id, name: `  ${name} `, isDefault: true });

    assert.equal(payload.__typename, 'UpdateStorageLocationSuccess', JSON.stringify(payload));
    const rows = await locations();
    assert.deepEqual(
      rows.find((row) => row.id === location.id),
      { ...location, name, isDefault: true },
    );
    assert.equal(rows.find((row) => row.id === previousDefault.id)?.isDefault, false);
  });

  it('refuses bad input with a ValidationError naming the field', async () => {
    const location = await createLocation('FS');
    const other = await createLocation('FS');
    const git = await createLocation('GIT');

    const answers = await Promise.all([
      update({ id: location.id, name: '   ' }),
      update({ id: location.id, name: other.name }),
      update({ id: location.id, path: ' ' }),
      update({ id: location.id, mirrorUrl: remoteA }),
      update({ id: git.id, mirrorUrl: 'ftp://example.net/backups.git' }),
      update({ id: git.id, mirrorUrl: remoteA, mirrorSshPrivateKey: 'not a key' }),
      update({ id: git.id, mirrorUrl: remoteA, mirrorToken: 't', mirrorSshPrivateKey: testKey }),
      update({ id: git.id, mirrorToken: 'a token without a remote' }),
    ]);

    assert.deepEqual(
      answers.map((payload) => [payload.__typename, payload.field]),
      [
        ['ValidationError', 'name'],
        ['ValidationError', 'name'],
        ['ValidationError', 'path'],
        ['ValidationError', 'mirrorUrl'],
        ['ValidationError', 'mirrorUrl'],
        ['ValidationError', 'mirrorSshPrivateKey'],
        ['ValidationError', 'mirrorToken'],
        ['ValidationError', 'mirrorUrl'],
      ],
    );
    assert.deepEqual(
      (await locations()).find((row) => row.id === location.id),
      location,
      'a refused update changes nothing',
    );
  });

  it('moves an empty location, and new versions are written to its new path', async () => {
    const location = await createLocation('FS');
    const storage = registryFor(server);
    await storage.allLocations(); // the registry has a store for the old path cached
    const newPath = `locations/moved-${unique()}`;

    const moved = await update({ id: location.id, path: newPath, kind: 'GIT' });
    const device = await createDevice(server, { pluginKey: 'noop' });
    await seedVersion(
      server,
      { deviceId: device.id, deviceName: device.name, bytes: 'hostname moved\n', locationId: location.id },
      storage,
    );

    assert.equal(moved.__typename, 'UpdateStorageLocationSuccess', JSON.stringify(moved));
    assert.deepEqual([moved.storageLocation.kind, moved.storageLocation.path], ['GIT', newPath]);
    assert.ok(existsSync(join(server.dataDir, newPath)), 'the version went to the new path');
    assert.ok(!existsSync(join(server.dataDir, location.path)), 'nothing went to the old one');
  });

  it('refuses to change the kind or path of a location that holds versions, which stay where they are', async () => {
    const location = await createLocation('FS');
    const device = await createDevice(server, { pluginKey: 'noop' });
    await seedVersion(server, {
      deviceId: device.id,
      deviceName: device.name,
      bytes: 'hostname kept\n',
      locationId: location.id,
    });

    const path = await update({ id: location.id, path: `locations/elsewhere-${unique()}` });
    const kind = await update({ id: location.id, kind: 'GIT' });
    const samePathAndRename = await update({ id: location.id, path: location.path, name: `kept-${unique()}` });

    assert.deepEqual([path.__typename, path.field], ['ValidationError', 'path']);
    assert.match(path.message ?? '', /holds 1 version/);
    assert.deepEqual([kind.__typename, kind.field], ['ValidationError', 'kind']);
    assert.equal(samePathAndRename.__typename, 'UpdateStorageLocationSuccess', JSON.stringify(samePathAndRename));
    const stored = (await locations()).find((row) => row.id === location.id);
    assert.deepEqual([stored?.kind, stored?.path], ['FS', location.path]);
  });

  it('keeps the mirror secret when left out, seals a given one anew and never sends it to another host', async () => {
    const location = await createLocation('GIT');
    const set = await update({ id: location.id, mirrorUrl: remoteA, mirrorToken: 'first-token' });
    const sealed = await storedSecret(location.id);

    const renamed = await update({ id: location.id, name: `mirrored-${unique()}`, mirrorBranch: 'backups' });
    const keptSecret = await storedSecret(location.id);
    const otherHost = await update({ id: location.id, mirrorUrl: remoteB });
    const replaced = await update({ id: location.id, mirrorUrl: remoteB, mirrorToken: 'second-token' });
    const resealed = await storedSecret(location.id);
    const removed = await update({ id: location.id, removeMirrorSecret: true });
    const unmirrored = await update({ id: location.id, mirrorUrl: null });

    assert.equal(set.storageLocation.hasMirrorSecret, true, JSON.stringify(set));
    assert.equal(renamed.storageLocation.hasMirrorSecret, true, JSON.stringify(renamed));
    assert.equal(renamed.storageLocation.mirrorBranch, 'backups');
    assert.equal(keptSecret, sealed, 'an update without a secret keeps the stored ciphertext');
    assert.deepEqual([otherHost.__typename, otherHost.field], ['ValidationError', 'mirrorUrl']);
    assert.equal(replaced.storageLocation.mirrorUrl, remoteB, JSON.stringify(replaced));
    assert.deepEqual(await decrypt(resealed!), { token: 'second-token' });
    assert.ok(!JSON.stringify(replaced).includes('second-token'), 'the secret is never returned');
    assert.deepEqual(
      [removed.storageLocation.mirrorUrl, removed.storageLocation.hasMirrorSecret],
      [remoteB, false],
      JSON.stringify(removed),
    );
    assert.deepEqual(
      [unmirrored.storageLocation.mirrorUrl, unmirrored.storageLocation.mirrorBranch],
      [null, null],
      JSON.stringify(unmirrored),
    );
    assert.equal(await storedSecret(location.id), null);
  });

  it('answers NotFoundError for an unknown id and records the edit in the audit log', async () => {
    const location = await createLocation('FS');

    const missing = await update({ id: '00000000-0000-4000-8000-000000000000', name: 'nothing' });
    await update({ id: location.id, name: `audited-${unique()}` });

    assert.equal(missing.__typename, 'NotFoundError');
    const audit = await server.gql(
      `query ($filter: AuditLogFilter) { auditLog(first: 10, filter: $filter) { edges { node { action outcome targetId } } } }`,
      { filter: { action: 'updateStorageLocation', targetId: location.id } },
    );
    assert.deepEqual(
      audit.data?.auditLog.edges.map((edge: { node: unknown }) => edge.node),
      [{ action: 'updateStorageLocation', outcome: 'success', targetId: location.id }],
      JSON.stringify(audit),
    );
  });
});
