/**
 * Storage locations (rows in `storage_locations`) turned into stores. Writes pick the device's location,
 * else its device group's, else the default row, else the built-in filesystem store under `<data>/blobs`
 * (location id null). Reads use the location, kind and ref recorded on the backup row.
 */
import { isAbsolute, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Database } from '@devicevault/schema/db/database';
import {
  type BackupRow,
  type DeviceRow,
  type StorageLocationRow,
  storageLocations,
} from '@devicevault/schema/db/tables';
import { type Column, eq, type SQL, sql } from 'drizzle-orm';
import type { Logger } from '../log.js';
import type { BackupStore, ByteRange } from './backup-store.js';
import { createFsBackupStore, type FsBackupStoreOptions } from './fs-backup-store.js';
import { createGitBackupStore } from './git-backup-store.js';

export interface ResolvedStore {
  /** Null for the built-in store. */
  locationId: string | null;
  store: BackupStore;
}

export interface StorageRegistry {
  /**
   * Encrypted restorable originals of scrubbed versions (`<data>/originals`): a store of their own, so they
   * never land in a git location and the garbage collector of the version stores never sees them.
   */
  originals: BackupStore;
  /** Where a new version of this device is written. */
  forDevice(device: DeviceRow): Promise<ResolvedStore>;
  /** The store for a location row already read with `storageLocationIdSql` (null: the built-in store). */
  forLocationRow(row: StorageLocationRow | null): ResolvedStore;
  /** The store a backup row was written to. */
  forBackup(backup: Pick<BackupRow, 'storageLocationId' | 'storageKind'>): Promise<BackupStore>;
  forLocation(locationId: string | null): Promise<BackupStore>;
  read(
    backup: Pick<BackupRow, 'storageLocationId' | 'storageKind' | 'storageRef'>,
    range?: ByteRange,
  ): Promise<Readable>;
  /** Every location with rows or files: the built-in one plus each configured row. */
  allLocations(): Promise<ResolvedStore[]>;
  /** Forgets cached stores (after a location row changed). */
  reset(): void;
}

/**
 * Where a device's new versions go: its own location, else its device group's, else the default row; null
 * means the built-in store. A device by its values, or by its row's columns inside a larger statement.
 */
export function storageLocationIdSql(device: {
  storageLocationId: string | null | Column;
  deviceGroupId: string | null | Column;
}): SQL<string | null> {
  return sql`coalesce((${device.storageLocationId})::uuid,
    (select g.storage_location_id from device_groups g where g.id = (${device.deviceGroupId})::uuid),
    (select l.id from storage_locations l where l.is_default order by l.created_at, l.id limit 1))`;
}

export function locationPath(dataDir: string, path: string): string {
  return isAbsolute(path) ? path : join(dataDir, path);
}

export function createStorageRegistry(deps: {
  db: Database;
  dataDir: string;
  log?: Logger;
  /** Test hook passed to filesystem stores. */
  fsOptions?: FsBackupStoreOptions;
  /** Told after each new commit in a git location (the remote mirror pushes it). */
  afterGitCommit?: (locationId: string) => void;
}): StorageRegistry {
  const builtin = createFsBackupStore(join(deps.dataDir, 'blobs'), deps.fsOptions);
  // Keyed by id, remembering the kind and path it was made for: updateStorageLocation may change both while a
  // location is empty (in any server process), so a cached store is reused only while the row still matches.
  const cache = new Map<string, { kind: string; path: string; store: BackupStore }>();
  const originals = createFsBackupStore(join(deps.dataDir, 'originals'), deps.fsOptions);

  function storeFor(row: StorageLocationRow): BackupStore {
    const cached = cache.get(row.id);
    if (cached && cached.kind === row.kind && cached.path === row.path) return cached.store;
    const path = locationPath(deps.dataDir, row.path);
    const store =
      row.kind === 'git'
        ? createGitBackupStore(path, { log: deps.log, onCommit: () => deps.afterGitCommit?.(row.id) })
        : createFsBackupStore(path, deps.fsOptions);
    cache.set(row.id, { kind: row.kind, path: row.path, store });
    return store;
  }

  async function forLocation(locationId: string | null): Promise<BackupStore> {
    if (locationId === null) return builtin;
    // Read the row each time (a primary-key lookup) rather than trusting the cache: see `cache` above.
    const [row] = await deps.db.select().from(storageLocations).where(eq(storageLocations.id, locationId));
    if (!row) throw new Error(`storage location ${locationId} does not exist`);
    return storeFor(row);
  }

  function forLocationRow(row: StorageLocationRow | null): ResolvedStore {
    return row ? { locationId: row.id, store: storeFor(row) } : { locationId: null, store: builtin };
  }

  async function forBackup(backup: Pick<BackupRow, 'storageLocationId' | 'storageKind'>) {
    const store = await forLocation(backup.storageLocationId);
    if (store.kind !== backup.storageKind)
      throw new Error(`backup was written to a "${backup.storageKind}" store, location is "${store.kind}"`);
    return store;
  }

  return {
    originals,
    async forDevice(device) {
      const [row] = await deps.db
        .select()
        .from(storageLocations)
        .where(eq(storageLocations.id, storageLocationIdSql(device)));
      return forLocationRow(row ?? null);
    },
    forLocationRow,
    forBackup,
    forLocation,
    async read(backup, range) {
      const store = await forBackup(backup);
      return store.read(backup.storageRef, range);
    },
    async allLocations() {
      const rows = await deps.db.select().from(storageLocations);
      return [
        { locationId: null, store: builtin },
        ...rows.map((row) => ({ locationId: row.id, store: storeFor(row) })),
      ];
    },
    reset() {
      cache.clear();
    },
  };
}
