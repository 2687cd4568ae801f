/**
 * The PGlite client drizzle is given, made cheaper per statement with identical results:
 * - drizzle hands PGlite a few type parsers with every query (timestamps, dates and intervals stay the text
 *   PostgreSQL sent, drizzle converts them itself), and PGlite merges them by copying its whole parser
 *   table, hundreds of types with the array types: measured 0.14 ms of JavaScript per statement, about as
 *   much as PGlite's own work for a one-row update. The same parsers are set on the instance once instead,
 *   and the per-query ones dropped;
 * - statements that keep coming back are planned once (pglite-prepared.ts) and then sent as one simple Query.
 */
import { type PGlite, types } from '@electric-sql/pglite';
import { createPreparedStatements, type PreparedStatements } from './pglite-prepared.js';

// drizzle-orm/pglite/session.js's list: plus numeric[], timestamp[], timestamptz[], interval[] and date[].
const rawTextTypes = [types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182];
const asSent = (value: string) => value;

type QueryOptions = { parsers?: unknown } | undefined;
type Results = { rows: unknown[] };
type Queryable = {
  query(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results>;
  exec(sql: string, options?: QueryOptions): Promise<Results[]>;
};

function withoutParsers(options: QueryOptions): QueryOptions {
  if (!options?.parsers) return options;
  const { parsers: _parsers, ...rest } = options;
  return rest;
}

/** The same object for every use but `query` (and `transaction`, given), whose options lose their parsers. */
function wrapQuery<T extends object>(target: T, statements: PreparedStatements, transaction?: unknown): T {
  const query = (target as unknown as Queryable).query.bind(target);
  const exec = (target as unknown as Queryable).exec.bind(target);
  const ownQuery = async (sql: string, params?: unknown[], options?: QueryOptions) => {
    const execute = await statements.rewrite(sql, params, (text) => query(text));
    // An EXECUTE has no parameters left: it goes as one simple Query message (two calls into PostgreSQL)
    // instead of PGlite's extended-protocol round (six: parse, describe, bind, describe, execute, sync).
    if (execute) return (await exec(execute, withoutParsers(options)))[0];
    return query(sql, params, withoutParsers(options));
  };
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
export async function clientForDrizzle(client: PGlite): Promise<PGlite> {
  await client.waitReady;
  for (const oid of rawTextTypes) client.parsers[oid] = asSent;
  const statements = createPreparedStatements(client.serializers as Parameters<typeof createPreparedStatements>[0]);
  type Transaction = Parameters<Parameters<PGlite['transaction']>[0]>[0];
  const transaction = <R>(run: (tx: Transaction) => Promise<R>) =>
    client.transaction((tx) => run(wrapQuery(tx, statements)));
  return wrapQuery(client, statements, transaction);
}
