/**
 * Seeds versions the way the runner records them (store.put, then the row and its text in one
 * transaction), for tests that need exact bytes, many versions or chosen times without a device.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from '@devicevault/schema/db/database';
import { type BackupRow, storageLocations } from '@devicevault/schema/db/tables';
import { recordVersion } from '../../src/storage/record-version.js';
import { createStorageRegistry, type StorageRegistry } from '../../src/storage/storage-registry.js';
import type { TextContent } from '../../src/storage/text-contents.js';
import { sha256, sha256OfFile, spoolCopy } from './storage-fixtures.js';
import type { TestServer } from './test-server.js';

export function registryFor(server: TestServer): StorageRegistry {
  return createStorageRegistry({ db: server.app.database.db as Database, dataDir: server.dataDir });
}

export async function createLocation(
  server: TestServer,
  kind: 'fs' | 'git',
  name = `${kind}-${randomUUID().slice(0, 8)}`,
) {
  const [row] = await server.app.database.db
    .insert(storageLocations)
    .values({ name, kind, path: join('locations', name) })
    .returning();
  return row!;
}

export interface SeedInput {
  deviceId: string;
  deviceName: string;
  /** The bytes, or a file to copy them from (for big artefacts). */
  bytes?: Buffer | string;
  file?: string;
  isBinary?: boolean;
  locationId?: string | null;
  createdAt?: Date;
  /** Defaults to "differs from nothing": true. */
  changed?: boolean;
  significant?: string;
}

export async function seedVersion(
  server: TestServer,
  input: SeedInput,
  storage = registryFor(server),
): Promise<BackupRow> {
  const spoolDir = join(server.dataDir, 'seed-spool');
  await mkdir(spoolDir, { recursive: true });
  let spoolPath: string;
  let hash: string;
  let size: number;
  if (input.file) {
    spoolPath = await spoolCopy(spoolDir, input.file);
    ({ sha256: hash, size } = await sha256OfFile(spoolPath));
  } else {
    const bytes = Buffer.isBuffer(input.bytes) ? input.bytes : Buffer.from(input.bytes ?? '');
    spoolPath = join(spoolDir, `${randomUUID()}.part`);
    await writeFile(spoolPath, bytes);
    hash = sha256(bytes);
    size = bytes.length;
  }
  const isBinary = input.isBinary ?? false;
  const store = await storage.forLocation(input.locationId ?? null);
  const stored = await store.put({
    spoolPath,
    sha256: hash,
    size,
    deviceId: input.deviceId,
    deviceName: input.deviceName,
    jobId: 'seed',
    isBinary,
    takenAt: input.createdAt,
  });
  const texts: TextContent[] = [];
  if (!isBinary && !input.file) {
    texts.push({ sha256: hash, content: Buffer.from(input.bytes ?? '').toString('utf8') });
    if (input.significant !== undefined) texts.push({ sha256: sha256(input.significant), content: input.significant });
  }
  const row = await recordVersion(
    server.app.database.db as Database,
    {
      deviceId: input.deviceId,
      isBinary,
      sha256: hash,
      size,
      storageKind: stored.kind,
      storageRef: stored.ref,
      storageLocationId: input.locationId ?? null,
      significantSha256: input.significant === undefined ? null : sha256(input.significant),
      changed: input.changed ?? true,
      ...(input.createdAt ? { createdAt: input.createdAt } : {}),
    },
    texts,
  );
  return row!;
}
