/**
 * Keyset pagination ordered by a text key A→Z, then id: for lists people scan by name (groups, credentials,
 * users, devices sorted by name). Cursors are `[key, id]` as base64url JSON; page sizes share `maxPageSize`.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { GraphQLError } from 'graphql';
import { isUuid } from './errors.js';
import { type Connection, type ConnectionArgs, defaultPageSize, type KeysetPage, maxPageSize } from './pagination.js';

export async function alphabeticalConnection<T extends { id: string }>(
  args: ConnectionArgs,
  columns: { key: PgColumn; id: PgColumn },
  fetch: (page: KeysetPage) => Promise<T[]>,
  keyOf: (row: T) => string,
): Promise<Connection<T>> {
  const backwards = args.last != null && args.first == null;
  const size = backwards ? args.last! : (args.first ?? defaultPageSize);
  if (!Number.isInteger(size) || size < 0 || size > maxPageSize) {
    throw new GraphQLError(`page size must be between 0 and ${maxPageSize}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  const conditions: SQL[] = [];
  const after = parseCursor(args.after);
  const before = parseCursor(args.before);
  if (after) conditions.push(sql`(${columns.key}, ${columns.id}) > (${after[0]}, ${after[1]})`);
  if (before) conditions.push(sql`(${columns.key}, ${columns.id}) < (${before[0]}, ${before[1]})`);
  const direction = backwards ? sql`desc` : sql`asc`;
  const rows = await fetch({
    where: conditions.length > 0 ? sql.join(conditions, sql` and `) : undefined,
    orderBy: [sql`${columns.key} ${direction}`, sql`${columns.id} ${direction}`],
    limit: size + 1,
  });
  const hasMore = rows.length > size;
  const page = rows.slice(0, size);
  if (backwards) page.reverse();
  const edges = page.map((node) => ({
    cursor: Buffer.from(JSON.stringify([keyOf(node), node.id])).toString('base64url'),
    node,
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: backwards ? before !== null : hasMore,
      hasPreviousPage: backwards ? hasMore : after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

function parseCursor(cursor: string | null | undefined): [string, string] | null {
  if (!cursor) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string' && isUuid(value[1]))
      return [value[0], value[1]];
  } catch {
    // fall through to the error below
  }
  throw new GraphQLError('malformed cursor', { extensions: { code: 'BAD_USER_INPUT' } });
}

/** `%`, `_` and `\` match literally in an ILIKE pattern built from user input. */
export function containsPattern(search: string): string {
  return `%${search.trim().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
