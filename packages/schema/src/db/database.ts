/**
 * The database handle every query helper takes. A transaction is a PgDatabase too (PgTransaction extends it),
 * so `tx` from `db.transaction(async (tx) => …)` passes where a Database is expected, without a cast — on
 * PGlite and postgres.js alike. Opening and migrating live in apps/server (`src/db/open-database.ts`).
 */
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as tables from './tables.js';

export type Database = PgDatabase<PgQueryResultHKT, typeof tables>;

/** The handle inside `db.transaction(...)`; name it only where `tx.rollback()` is needed. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** A json value as selected: parsed by postgres.js and PGlite alike, text from a driver that doesn't parse it. */
export function parsedJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** `db.execute` returns `{ rows }` on PGlite and an array on postgres.js. */
export function rowsOf<T>(result: unknown): T[] {
  const withRows = result as { rows?: T[] };
  return withRows.rows ?? Array.from(result as Iterable<T>);
}
