import type { BackupRow } from '@devicevault/schema/db/tables';
import type { BackupStore } from './backup-store.js';

/** Reads a text backup through the store recorded on its row. Text is capped at collection time. */
export async function readText(store: BackupStore, backup: BackupRow): Promise<string> {
  if (backup.storageKind !== store.kind)
    throw new Error(`backup ${backup.id} lives in a "${backup.storageKind}" store`);
  const chunks: Buffer[] = [];
  for await (const chunk of await store.read(backup.storageRef)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
