/**
 * The one way a version is recorded, after its bytes are in the store: the backup row, its text (for search
 * and diff) and, for a collected version, the job's final line and its device's state, in one statement of
 * one transaction, so no version exists without its text and no job succeeds without its version. One
 * statement because each statement is a round trip (on PostgreSQL, waiting for a busy event loop each time)
 * and on PGlite a cost of its own: four statements took 3.4 ms of CPU, the same work as one 1.8 ms.
 * Used by the runner, the Oxidized importer and test seeding.
 */
import type { Database } from '@devicevault/schema/db/database';
import { type BackupRow, backups } from '@devicevault/schema/db/tables';
import { getTableColumns, type SQL } from 'drizzle-orm';
import type { WithSubquery } from 'drizzle-orm/subquery';
import { type TextContent, textContentsInsert } from './text-contents.js';

export type NewVersion = typeof backups.$inferInsert;

/** What a collected version's job writes with it (run-job.ts). */
export interface VersionCompanions<Extra extends Record<string, unknown>> {
  /** Data-modifying statements that become CTEs of the version's insert, e.g. the job's final line. */
  with: WithSubquery[];
  /** Read back with the version's row (their names must not be a column's). */
  returning: { [K in keyof Extra]: SQL<Extra[K]> };
  /** Runs next in the same transaction; false (the job was not ours to finish) undoes everything. */
  afterwards(tx: Database, extra: Extra): Promise<boolean>;
}

/** Thrown inside the transaction to undo it when the job it belongs to is no longer ours to finish. */
class JobNotOwned extends Error {}

/** Writes the version and its texts (and the companions); null when `afterwards` reported the job lost. */
export async function recordVersion<Extra extends Record<string, unknown> = Record<string, never>>(
  db: Database,
  version: NewVersion,
  texts: TextContent[],
  companions?: VersionCompanions<Extra>,
): Promise<BackupRow | null> {
  try {
    return await db.transaction(async (tx) => {
      const newTexts = textContentsInsert(tx, texts);
      const ctes = [...(newTexts ? [tx.$with('new_texts', {}).as(newTexts)] : []), ...(companions?.with ?? [])];
      const columns = getTableColumns(backups);
      const [written] = await (ctes.length > 0 ? tx.with(...ctes) : tx)
        .insert(backups)
        .values(version)
        .returning({ ...columns, ...companions?.returning });
      const fields = written as unknown as Record<string, unknown>;
      const pick = (keys: string[]) => Object.fromEntries(keys.map((key) => [key, fields[key]]));
      const row = pick(Object.keys(columns)) as BackupRow;
      const extra = pick(Object.keys(companions?.returning ?? {})) as Extra;
      if (companions && !(await companions.afterwards(tx, extra))) throw new JobNotOwned();
      return row;
    });
  } catch (error) {
    if (error instanceof JobNotOwned) return null;
    throw error;
  }
}
