/**
 * drizzle hands PGlite a few type parsers with every query (timestamps, dates and intervals stay the text
 * PostgreSQL sent, drizzle converts them itself), and PGlite merges them by copying its whole parser table,
 * hundreds of types with the array types: measured 0.14 ms of JavaScript per statement, about as much as
 * PGlite's own work for a one-row update. Here the same parsers are set on the instance once and the
 * per-query ones dropped, so every result is what it was.
 */
import { type PGlite, types } from '@electric-sql/pglite';

// drizzle-orm/pglite/session.js's list: plus numeric[], timestamp[], timestamptz[], interval[] and date[].
const rawTextTypes = [types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182];
const asSent = (value: string) => value;

type QueryOptions = { parsers?: unknown } | undefined;
type Queryable = { query(sql: string, params?: unknown[], options?: QueryOptions): Promise<unknown> };

function withoutParsers(options: QueryOptions): QueryOptions {
  if (!options?.parsers) return options;
  const { parsers: _parsers, ...rest } = options;
  return rest;
}

/** The same object for every use but `query` (and `transaction`, given), whose options lose their parsers. */
function dropQueryParsers<T extends object>(target: T, transaction?: unknown): T {
  const query = (target as unknown as Queryable).query.bind(target);
  const ownQuery = (sql: string, params?: unknown[], options?: QueryOptions) =>
    query(sql, params, withoutParsers(options));
  return new Proxy(target, {
    get(object, key) {
      if (key === 'query') return ownQuery;
      if (key === 'transaction' && transaction) return transaction;
      const value = Reflect.get(object, key, object);
      // PGlite's methods reach private state through `this`: it must stay the instance, not the proxy.
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

/** Call once the instance is ready (its array types are read then, which would replace the array entries). */
export async function parseOnce(client: PGlite): Promise<PGlite> {
  await client.waitReady;
  for (const oid of rawTextTypes) client.parsers[oid] = asSent;
  type Transaction = Parameters<Parameters<PGlite['transaction']>[0]>[0];
  const transaction = <R>(run: (tx: Transaction) => Promise<R>) =>
    client.transaction((tx) => run(dropQueryParsers(tx)));
  return dropQueryParsers(client, transaction);
}
