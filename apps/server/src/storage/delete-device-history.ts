/**
 * Deleting a device with its history: the rows go in one statement (jobs, versions, originals and events
 * cascade), then the stored bytes of its versions and originals that no other row still references (a
 * content-addressed store shares identical bytes between devices). A git location keeps past commits —
 * its history is append-only — so there only the rows go.
 */
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import { backupOriginals, backups, devices } from '@devicevault/schema/db/tables';
import { eq, sql } from 'drizzle-orm';
import type { Logger } from '../log.js';
import type { StorageRegistry } from './storage-registry.js';

export async function deleteDeviceHistory(
  deps: { db: Database; storage: StorageRegistry; log: Logger },
  deviceId: string,
): Promise<{ versions: number; blobsRemoved: number }> {
  const versions = await deps.db
    .select({ ref: backups.storageRef, kind: backups.storageKind, locationId: backups.storageLocationId })
    .from(backups)
    .where(eq(backups.deviceId, deviceId));
  const originals = await deps.db
    .select({ ref: backupOriginals.storageRef })
    .from(backupOriginals)
    .innerJoin(backups, eq(backups.id, backupOriginals.backupId))
    .where(eq(backups.deviceId, deviceId));
  await deps.db.delete(devices).where(eq(devices.id, deviceId));

  let blobsRemoved = 0;
  const byLocation = new Map<string | null, string[]>();
  for (const version of versions.filter((row) => row.kind === 'fs'))
    byLocation.set(version.locationId, [...(byLocation.get(version.locationId) ?? []), version.ref]);
  for (const [locationId, refs] of byLocation) {
    const store = await deps.storage.forLocation(locationId);
    const still = await stillReferenced(deps.db, 'backups', refs);
    blobsRemoved += (await store.collectGarbage((ref) => still.has(ref), 0, [...new Set(refs)])).removed;
  }
  const originalRefs = [...new Set(originals.map((row) => row.ref))];
  if (originalRefs.length > 0) {
    const still = await stillReferenced(deps.db, 'backup_originals', originalRefs);
    blobsRemoved += (await deps.storage.originals.collectGarbage((ref) => still.has(ref), 0, originalRefs)).removed;
  }
  deps.log.info('device deleted with its history', { deviceId, versions: versions.length, blobsRemoved });
  return { versions: versions.length, blobsRemoved };
}

async function stillReferenced(db: Database, table: 'backups' | 'backup_originals', refs: string[]) {
  const rows = rowsOf<{ ref: string }>(
    await db.execute(sql`
      /* refsStillReferenced */
      select distinct storage_ref as ref from ${sql.identifier(table)}
      where storage_ref in (select value from jsonb_array_elements_text(${JSON.stringify(refs)}::jsonb))`),
  );
  return new Set(rows.map((row) => row.ref));
}
