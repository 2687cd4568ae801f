/**
 * PGlite has no autovacuum: the server vacuums the tables rewritten per job on a timer, so a long-running
 * embedded server's job queue doesn't slow down with dead row versions (see src/db/pglite-vacuum.ts).
 * PGlite only.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { rowsOf } from '@devicevault/schema/db/database';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/db/open-database.js';

describe('PGlite upkeep', { skip: process.env.DATABASE_URL ? 'PGlite only' : false }, () => {
  it('vacuums the job queue on its own', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dv-vacuum-'));
    const database = await openDatabase({ pgliteDir: join(dir, 'pglite') });
    try {
      const { db } = database;
      await db.execute(
        sql`insert into devices (name, host, plugin_key) select 'd' || g, '127.0.0.1', 'noop' from generate_series(1, 500) g`,
      );
      await db.execute(sql`insert into jobs (device_id, trigger, log) select id, 'manual', '[]'::jsonb from devices`);
      for (let round = 0; round < 3; round++)
        await db.execute(sql`update jobs set log = log || jsonb_build_array(${round}::int)`);
      // PGlite's statistics count vacuums (its dead-row counts stay 0 until one has run).
      const vacuums = async () =>
        rowsOf<{ vacuums: number }>(
          await db.execute(sql`select vacuum_count::int as vacuums from pg_stat_user_tables where relname = 'jobs'`),
        )[0]?.vacuums ?? 0;
      assert.equal(await vacuums(), 0);
      // The timer runs every 10 s; minutes of patience only catch a vacuum that never comes.
      for (const deadline = Date.now() + 3 * 60_000; (await vacuums()) === 0 && Date.now() < deadline; )
        await new Promise((resolve) => setTimeout(resolve, 500));
      assert.ok((await vacuums()) >= 1, 'the job queue was never vacuumed');
    } finally {
      await database.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
