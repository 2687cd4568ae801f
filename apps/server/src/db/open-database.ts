/**
 * Opens the database: PostgreSQL via postgres.js when a URL is given, otherwise PGlite in a directory
 * (zero setup). Both are migrated on open, under an advisory lock so parallel starters don't race.
 */
import { fileURLToPath } from 'node:url';
import type { Database } from '@devicevault/schema/db/database';
import * as tables from '@devicevault/schema/db/tables';
import { clientForDrizzle } from './pglite-client.js';
import { startPgliteVacuum } from './pglite-vacuum.js';
import { withPreparedStatements } from './prepared-statements.js';

export interface OpenDatabase {
  db: Database;
  kind: 'postgres' | 'pglite';
  /**
   * Subscribe to a PostgreSQL NOTIFY channel; on PGlite it only hears its own instance. `onListen` runs each
   * time the subscription is (re)established: notifications sent while it was down are lost.
   */
  listen(channel: string, onPayload: (payload: string) => void, onListen?: () => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

// The same depth from src/db and dist/db: the repository's drizzle/ folder.
export const migrationsFolder = fileURLToPath(new URL('../../../../drizzle', import.meta.url));
const migrationLockId = 727274;

export async function openDatabase(options: { url?: string; pgliteDir?: string }): Promise<OpenDatabase> {
  if (options.url) return openPostgres(options.url);
  return openPglite(options.pgliteDir);
}

async function openPostgres(url: string): Promise<OpenDatabase> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const client = postgres(url, { max: 10, onnotice: () => {} });
  const db = drizzle(withPreparedStatements(client), { schema: tables });
  const lock = await client.reserve();
  try {
    await lock`select pg_advisory_lock(${migrationLockId})`;
    await migrate(db, { migrationsFolder });
  } finally {
    await lock`select pg_advisory_unlock(${migrationLockId})`;
    lock.release();
  }
  return {
    db,
    kind: 'postgres',
    async listen(channel, onPayload, onListen) {
      const subscription = await client.listen(channel, onPayload, onListen);
      return () => subscription.unlisten();
    },
    async notify(channel, payload) {
      await client.notify(channel, payload);
    },
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dir: string | undefined): Promise<OpenDatabase> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const client = new PGlite(dir);
  const db = drizzle(await clientForDrizzle(client), { schema: tables });
  // A single PGlite instance is one connection, but two processes could still open the same dir.
  await client.query(`select pg_advisory_lock(${migrationLockId})`);
  try {
    await migrate(db, { migrationsFolder });
  } finally {
    await client.query(`select pg_advisory_unlock(${migrationLockId})`);
  }
  const stopVacuum = startPgliteVacuum(client);
  return {
    db,
    kind: 'pglite',
    async listen(channel, onPayload, onListen) {
      const unsubscribe = await client.listen(channel, onPayload);
      onListen?.();
      return unsubscribe;
    },
    async notify(channel, payload) {
      await client.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      await stopVacuum();
      await client.close();
    },
  };
}
