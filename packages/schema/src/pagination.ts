/** Keyset pagination shared by every list connection: newest first here, A→Z in alphabetical-pagination.ts. */
import { type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { GraphQLError } from 'graphql';
import { decodeCursor, encodeCursor } from './errors.js';

export const defaultPageSize = 25;
export const maxPageSize = 100;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface KeysetPage {
  /** Extra WHERE condition for the cursor; undefined on the first page. */
  where: SQL | undefined;
  orderBy: SQL[];
  limit: number;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/**
 * How a list is ordered for keyset paging: a key column with the id as tie-breaker, which way the key runs,
 * and how a cursor carries the key. Forward pages (`first`/`after`) follow the order; `last`/`before` run
 * against it.
 */
export interface KeysetOrder<T> {
  key: PgColumn;
  id: PgColumn;
  descending: boolean;
  cursorOf(row: T): string;
  /** The cursor's key as an SQL value and its id, or null when the cursor is malformed. */
  parse(cursor: string): { key: SQL; id: string } | null;
}

/** Resolves a connection: `fetch` applies the keyset condition, order and limit to its own query. */
export async function keysetConnection<T extends { id: string }>(
  args: ConnectionArgs,
  order: KeysetOrder<T>,
  fetch: (page: KeysetPage) => Promise<T[]>,
): Promise<Connection<T>> {
  const backwards = args.last != null && args.first == null;
  const size = backwards ? args.last! : (args.first ?? defaultPageSize);
  if (!Number.isInteger(size) || size < 0 || size > maxPageSize) {
    throw new GraphQLError(`page size must be between 0 and ${maxPageSize}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  const parse = (cursor: string | null | undefined) => {
    if (!cursor) return null;
    const key = order.parse(cursor);
    if (!key) throw new GraphQLError('malformed cursor', { extensions: { code: 'BAD_USER_INPUT' } });
    return key;
  };
  const after = parse(args.after);
  const before = parse(args.before);
  const past = order.descending ? sql`<` : sql`>`;
  const behind = order.descending ? sql`>` : sql`<`;
  const conditions: SQL[] = [];
  if (after) conditions.push(sql`(${order.key}, ${order.id}) ${past} (${after.key}, ${after.id}::uuid)`);
  if (before) conditions.push(sql`(${order.key}, ${order.id}) ${behind} (${before.key}, ${before.id}::uuid)`);
  // Null placement must match the indexes' (DESC NULLS LAST): a bare DESC means NULLS FIRST, which made
  // PostgreSQL sort a whole history instead of reading 51 index entries.
  const forwards = order.descending ? sql`desc nulls last` : sql`asc nulls last`;
  const reverse = order.descending ? sql`asc nulls first` : sql`desc nulls first`;
  const direction = backwards ? reverse : forwards;
  const rows = await fetch({
    where: conditions.length > 0 ? sql.join(conditions, sql` and `) : undefined,
    orderBy: [sql`${order.key} ${direction}`, sql`${order.id} ${direction}`],
    limit: size + 1,
  });
  const hasMore = rows.length > size;
  const page = rows.slice(0, size);
  if (backwards) page.reverse();
  const edges = page.map((node) => ({ cursor: order.cursorOf(node), node }));
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

/** Newest first by (created_at, id): every history-like list. */
export function newestFirstConnection<T extends { createdAt: Date; id: string }>(
  args: ConnectionArgs,
  columns: { createdAt: PgColumn; id: PgColumn },
  fetch: (page: KeysetPage) => Promise<T[]>,
): Promise<Connection<T>> {
  return keysetConnection<T>(
    args,
    {
      key: columns.createdAt,
      id: columns.id,
      descending: true,
      cursorOf: (row) => encodeCursor(row),
      parse(cursor) {
        const key = decodeCursor(cursor);
        // An ISO string, not a Date: postgres.js cannot serialize a Date bound into a raw `sql` fragment.
        return key && { key: sql`${key.createdAt.toISOString()}::timestamptz`, id: key.id };
      },
    },
    fetch,
  );
}
