/**
 * Each running job collects into its own spool directory, named after the job and the runner holding it.
 * A runner removes its directory when the job ends; a runner that died leaves its directories behind, and
 * the sweep removes every directory whose job is no longer held by the runner named in it.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import { sql } from 'drizzle-orm';
import type { Lease } from './job-queue.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function spoolDirFor(spoolRoot: string, lease: Lease): string {
  return join(spoolRoot, `${lease.jobId}_${lease.owner}`);
}

/** Removes the spool directories no live lease holds; returns how many. */
export async function sweepSpool(db: Database, spoolRoot: string): Promise<number> {
  const entries = await readdir(spoolRoot).catch(() => [] as string[]);
  if (entries.length === 0) return 0;
  const named = entries.map((entry) => {
    const [jobId = '', owner = ''] = entry.split(/_(.*)/s);
    return { entry, jobId, owner };
  });
  const jobIds = named.map((item) => item.jobId).filter((id) => uuidPattern.test(id));
  const held = rowsOf<{ id: string; owner: string }>(
    await db.execute(sql`
      /* spoolDirsHeld */
      select id, lease_owner as owner from jobs
      where id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(jobIds)}::jsonb))
        and status in ('running', 'storing') and lease_owner is not null`),
  );
  const live = new Set(held.map((row) => `${row.id}_${row.owner}`));
  const stale = named.filter((item) => !live.has(`${item.jobId}_${item.owner}`));
  await Promise.all(stale.map((item) => rm(join(spoolRoot, item.entry), { recursive: true, force: true })));
  return stale.length;
}
