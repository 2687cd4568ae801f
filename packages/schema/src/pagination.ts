/** Newest-first keyset pagination over (created_at, id), shared by every list connection. */
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
 * Resolves a connection: `fetch` applies the keyset condition, order and limit to its own query.
 * `first`/`after` page towards older rows; `last`/`before` towards newer ones.
 */
export async function newestFirstConnection<T extends { createdAt: Date; id: string }>(
  args: ConnectionArgs,
  columns: { createdAt: PgColumn; id: PgColumn },
  fetch: (page: KeysetPage) => Promise<T[]>,
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
  // ISO strings, not Dates: postgres.js cannot serialize a Date bound into a raw `sql` fragment.
  if (after)
    conditions.push(
      sql`(${columns.createdAt}, ${columns.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`,
    );
  if (before)
    conditions.push(
      sql`(${columns.createdAt}, ${columns.id}) > (${before.createdAt.toISOString()}::timestamptz, ${before.id}::uuid)`,
    );
  // The (…, created_at DESC NULLS LAST, id DESC NULLS LAST) indexes serve only a matching null order; a bare
  // DESC means NULLS FIRST, which made PostgreSQL sort the whole table instead of reading 51 index entries.
  const direction = backwards ? sql`asc nulls first` : sql`desc nulls last`;
  const rows = await fetch({
    where: conditions.length > 0 ? sql.join(conditions, sql` and `) : undefined,
    orderBy: [sql`${columns.createdAt} ${direction}`, sql`${columns.id} ${direction}`],
    limit: size + 1,
  });
  const hasMore = rows.length > size;
  const page = rows.slice(0, size);
  if (backwards) page.reverse();
  const edges = page.map((node) => ({ cursor: encodeCursor(node), node }));
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

function parseCursor(cursor: string | null | undefined) {
  if (!cursor) return null;
  const key = decodeCursor(cursor);
  if (!key) throw new GraphQLError('malformed cursor', { extensions: { code: 'BAD_USER_INPUT' } });
  return key;
}
