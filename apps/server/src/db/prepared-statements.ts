/**
 * drizzle hands every query to postgres.js unnamed (`prepare: false`), and postgres.js describes an unnamed
 * statement with parameters before running it: two round trips each. Named statements are described once per
 * connection, then run in one. Hand-written because drizzle 0.45 only offers a per-query `.prepare(name)`.
 * Connections are recycled (postgres.js `max_lifetime`), so a connection's statement cache stays bounded.
 */
import type { Sql } from 'postgres';

export function withPreparedStatements<T extends Sql>(sql: T): T {
  return new Proxy(sql, {
    get(target, key, receiver) {
      if (key === 'unsafe') {
        return (query: string, args?: unknown[], options?: Record<string, unknown>) =>
          target.unsafe(query, args as never, { ...options, prepare: (args?.length ?? 0) > 0 });
      }
      // Transactions and savepoints hand their callback a client of their own: it prepares too.
      if (key === 'begin' || key === 'savepoint') {
        return (...args: unknown[]) => {
          const callback = args.at(-1) as (tx: Sql) => unknown;
          const open = Reflect.get(target, key, receiver) as (...rest: unknown[]) => unknown;
          return open.call(target, ...args.slice(0, -1), (tx: Sql) => callback(withPreparedStatements(tx)));
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
}
