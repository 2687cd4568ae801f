/**
 * The one way a version is recorded, after its bytes are in the store: the backup row, its text (for search
 * and diff) and, for a collected version, the job's final line, its device's state and what else goes with it,
 * in one statement, so no version exists without its text and no job succeeds without its version. One
 * statement because each statement is a round trip (on PostgreSQL, waiting for a busy event loop each time)
 * and on PGlite a cost of its own: four statements took 3.4 ms of CPU, the same work as one 1.8 ms. One
 * statement is atomic by itself: no transaction is needed around it.
 * Used by the runner (record-success.ts), the Oxidized importer and test seeding.
 */
import type { Database } from '@devicevault/schema/db/database';
import { type BackupRow, backups } from '@devicevault/schema/db/tables';
import { type Column, getTableColumns, is, SQL, sql } from 'drizzle-orm';
import type { WithSubquery } from 'drizzle-orm/subquery';
import type { BoundFields } from '../db/bound.js';
import { storableTexts, type TextContent, textContentsInsert } from './text-contents.js';

export type NewVersion = typeof backups.$inferInsert;

/** What a collected version's job writes with it (record-success.ts). */
export interface VersionCompanions<Extra extends Record<string, unknown>> {
  /**
   * Data-modifying statements that become CTEs of the version's insert, e.g. the job's final line; each one
   * that writes must itself hold to `onlyIf`. Listed before the version's texts, so `onlyIf` may name them.
   */
  with: WithSubquery[];
  /** The version and its texts are written only when this holds (the job is still ours to finish). */
  onlyIf: SQL;
  /** Read back with the version's row (their names must not be a column's). */
  returning: { [K in keyof Extra]: SQL<Extra[K]> };
}

/** Writes a version and its texts, as the importer and test seeding do. */
export async function recordVersion(db: Database, version: NewVersion, texts: TextContent[]): Promise<BackupRow> {
  const [row] = await versionInsert(db, version, storableTexts(texts));
  return row!;
}

/**
 * The statement writing a version and its storable texts (and the companions), with values or placeholders;
 * it returns no row when `onlyIf` did not hold, and then wrote nothing.
 */
export function versionInsert<Extra extends Record<string, unknown> = Record<string, never>>(
  db: Database,
  version: Partial<BoundFields<NewVersion>>,
  texts: BoundFields<TextContent>[],
  companions?: VersionCompanions<Extra>,
) {
  const onlyIf = companions?.onlyIf;
  const newTexts = textContentsInsert(texts, onlyIf);
  const ctes = [...(companions?.with ?? []), ...(newTexts ? [db.$with('new_texts', {}).as(newTexts)] : [])];
  const columns = getTableColumns(backups);
  // drizzle's insert-select fills every column in the table's order; a select (not VALUES) can be conditional.
  const selected = sql.join(
    Object.entries(columns).map(([key, column]) => columnValue(version[key as keyof NewVersion], column)),
    sql`, `,
  );
  return (ctes.length > 0 ? db.with(...ctes) : db)
    .insert(backups)
    .select(sql`select ${selected}${onlyIf ? sql` where ${onlyIf}` : sql``}`)
    .returning({ ...columns, ...(companions?.returning as { [K in keyof Extra]: SQL<Extra[K]> }) });
}

/**
 * A value (or a placeholder, encoded as the column encodes a value when the statement runs) as its column's
 * type, since a select's parameters have none of their own; left out, the column's default.
 */
function columnValue(given: unknown, column: Column): SQL {
  // A $defaultFn runs here, when the statement is built: a statement built once (record-success.ts) gives a value
  // to every column whose default is not SQL.
  const value = given !== undefined ? given : column.defaultFn ? column.defaultFn() : column.default;
  if (is(value, SQL)) return value;
  const type = sql.raw(column.getSQLType());
  return value === undefined || value === null ? sql`null::${type}` : sql`${sql.param(value, column)}::${type}`;
}
