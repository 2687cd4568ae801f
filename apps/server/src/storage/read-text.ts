import type { Database } from '@devicevault/schema/db/database';
import { type BackupRow, textContents } from '@devicevault/schema/db/tables';
import { eq } from 'drizzle-orm';
import type { StorageRegistry } from './storage-registry.js';

/**
 * The text of a text backup: from `text_contents` when it was recorded there (every version written since
 * text went to the database), else streamed from the store recorded on the row. Text is capped at
 * collection time, so holding it is fine.
 */
export async function readText(db: Database, storage: StorageRegistry, backup: BackupRow): Promise<string> {
  const [row] = await db.select().from(textContents).where(eq(textContents.sha256, backup.sha256));
  if (row) return row.content;
  return readStoredText(storage, backup);
}

export async function readStoredText(
  storage: StorageRegistry,
  backup: Pick<BackupRow, 'storageLocationId' | 'storageKind' | 'storageRef'>,
): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.read(backup)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
