/**
 * Background syncs: every tick, each source whose interval has passed since its last run is claimed by moving
 * `last_run_at` with a conditional UPDATE (the row lock makes a second process re-check and skip it), so a
 * source syncs once per interval however many processes share the database.
 */
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import { sql } from 'drizzle-orm';
import type { Logger } from '../../log.js';

export interface InventorySchedulerDeps {
  db: Database;
  log: Logger;
  sync(sourceId: string): Promise<unknown>;
  tickMs?: number;
}

/** Claims every due source (one statement); returns the ids this process now runs. */
export async function claimDueSources(db: Database, now = new Date()): Promise<string[]> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      /* claimDueInventorySources */
      update inventory_sources set last_run_at = ${now.toISOString()}::timestamptz
      where enabled and interval_seconds is not null
        and (last_run_at is null
             or last_run_at + interval_seconds * interval '1 second' <= ${now.toISOString()}::timestamptz)
      returning id`),
  );
  return rows.map((row) => row.id);
}

export function createInventoryScheduler(deps: InventorySchedulerDeps) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  async function tick() {
    try {
      for (const id of await claimDueSources(deps.db)) {
        if (stopped) return;
        await deps.sync(id);
      }
    } catch (error) {
      deps.log.error('inventory sync tick failed', { error: String(error) });
    }
  }
  return {
    start() {
      stopped = false;
      timer = setInterval(() => {
        running = running.then(tick);
      }, deps.tickMs ?? 15_000);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
