/**
 * Keyset pagination ordered by a text key A→Z, then id: for lists people scan by name (groups, credentials,
 * users, devices sorted by name). Cursors are `[key, id]` as base64url JSON; page sizes share `maxPageSize`.
 */
import { sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { isUuid } from './errors.js';
import { type Connection, type ConnectionArgs, type KeysetPage, keysetConnection } from './pagination.js';

export function alphabeticalConnection<T extends { id: string }>(
  args: ConnectionArgs,
  columns: { key: PgColumn; id: PgColumn },
  fetch: (page: KeysetPage) => Promise<T[]>,
  keyOf: (row: T) => string,
): Promise<Connection<T>> {
  return keysetConnection(
    args,
    {
      key: columns.key,
      id: columns.id,
      descending: false,
      cursorOf: (row) => Buffer.from(JSON.stringify([keyOf(row), row.id])).toString('base64url'),
      parse(cursor) {
        const value = parseJson(Buffer.from(cursor, 'base64url').toString('utf8'));
        if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string' && isUuid(value[1]))
          return { key: sql`${value[0]}`, id: value[1] };
        return null;
      },
    },
    fetch,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** `%`, `_` and `\` match literally in an ILIKE pattern built from user input. */
export function containsPattern(search: string): string {
  return `%${search.trim().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
