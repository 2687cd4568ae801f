/**
 * The one way a version is recorded, after its bytes are in the store: the backup row, its text (for search
 * and diff) and, for a collected version, the job's final line, in one transaction, so no version exists
 * without its text and no job succeeds without its version. Used by the runner, the Oxidized importer and
 * test seeding.
 */
import type { Database } from '@devicevault/schema/db/database';
import { type BackupRow, backups } from '@devicevault/schema/db/tables';
import { insertTextContents, type TextContent } from './text-contents.js';

export type NewVersion = typeof backups.$inferInsert;

/** Thrown inside the transaction to undo it when the job it belongs to is no longer ours to finish. */
class JobNotOwned extends Error {}

/**
 * Writes the version and its texts; `finishJob` (the job's final line, conditional on still owning the job)
 * runs in the same transaction, and when it reports the job lost, nothing is written and null is returned.
 */
export async function recordVersion(
  db: Database,
  version: NewVersion,
  texts: TextContent[],
  finishJob?: (tx: Database) => Promise<boolean>,
): Promise<BackupRow | null> {
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx.insert(backups).values(version).returning();
      await insertTextContents(tx, texts);
      if (finishJob && !(await finishJob(tx))) throw new JobNotOwned();
      return row!;
    });
  } catch (error) {
    if (error instanceof JobNotOwned) return null;
    throw error;
  }
}
