/**
 * A fresh database per test file: PGlite in the test's data dir by default, or, when DATABASE_URL is set
 * (CI's PostgreSQL run), a new database created on that server so files never share state.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { type OpenDatabase, openDatabase } from '../../src/db/open-database.js';

export async function freshDatabaseUrl(): Promise<{ url: string | undefined; drop(): Promise<void> }> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) return { url: undefined, drop: async () => {} };
  const name = `dv_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** A bare migrated database (no server) in a temp data dir named by `prefix`; `close()` removes both. */
export async function openTestDatabase(prefix: string): Promise<{ database: OpenDatabase; close(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const fresh = await freshDatabaseUrl();
  const database = await openDatabase({ url: fresh.url, pgliteDir: join(dataDir, 'pglite') });
  return {
    database,
    async close() {
      await database.close();
      await fresh.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
