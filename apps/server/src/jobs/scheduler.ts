/**
 * The scheduler: every tick (and once at start, which is the catch-up after downtime) it fires each scheduled
 * collection group's due slots once across processes (schedule-slots.ts), moves jobs of groups whose backup
 * window is closed to its next opening, and sweeps backup states for staleness events. Groups are read fresh
 * each tick, so schedule edits apply without a restart. The clock is injectable for tests.
 */
import type { JobQueuePort } from '@devicevault/schema/context';
import type { Database } from '@devicevault/schema/db/database';
import { type CollectionGroupRow, collectionGroups } from '@devicevault/schema/db/tables';
import type { DeviceVaultPubSub } from '@devicevault/schema/pubsub';
import { insideWindow, nextWindowOpening } from '@devicevault/schema/schedule';
import { isNotNull, sql } from 'drizzle-orm';
import type { Logger } from '../log.js';
import { fireDueSlots } from './schedule-slots.js';
import { sweepBackupStates } from './staleness-sweep.js';

export interface Scheduler {
  start(): Promise<void>;
  stop(): void;
  /** One pass: fire due slots, hold jobs outside their windows, sweep states. */
  tick(): Promise<void>;
}

export interface SchedulerDeps {
  db: Database;
  log: Logger;
  pubsub: DeviceVaultPubSub;
  enqueue: JobQueuePort['enqueue'];
  now?: () => Date;
  /** How often to look (default 15 s). */
  tickMs?: number;
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const now = deps.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;

  async function pass() {
    const at = now();
    const groups = await deps.db.select().from(collectionGroups).where(isNotNull(collectionGroups.schedule));
    for (const group of groups) {
      try {
        const outcome = await fireDueSlots(deps, group, at);
        if (outcome.fired || outcome.missed.length > 0)
          deps.log.info('schedule slot', {
            collectionGroupId: group.id,
            fired: outcome.fired?.toISOString() ?? null,
            queued: outcome.queued,
            missed: outcome.missed.length,
          });
      } catch (error) {
        deps.log.warn('schedule failed', { collectionGroupId: group.id, error: String(error) });
      }
    }
    const windowed = await deps.db.select().from(collectionGroups).where(isNotNull(collectionGroups.windowStartMinute));
    for (const group of windowed) await holdUntilWindow(deps.db, group, at);
    await sweepBackupStates(deps, at);
  }

  function tick(): Promise<void> {
    // One pass at a time; a tick arriving meanwhile waits for the running one instead of overlapping it.
    running ??= pass()
      .catch((error) => deps.log.error('scheduler pass failed', { error: String(error) }))
      .finally(() => {
        running = null;
      });
    return running;
  }

  return {
    async start() {
      await tick();
      timer = setInterval(() => void tick(), deps.tickMs ?? 15_000);
    },
    stop() {
      clearInterval(timer);
    },
    tick,
  };
}

/** Queued jobs of a group whose window is closed wait for its next opening (the claim enforces it too). */
async function holdUntilWindow(db: Database, group: CollectionGroupRow, at: Date) {
  if (insideWindow(group, at)) return;
  const opening = nextWindowOpening(group, at).toISOString();
  await db.execute(sql`
    /* holdJobsUntilWindow */
    update jobs j set run_after = ${opening}::timestamptz
    from devices d
    where d.id = j.device_id and d.collection_group_id = ${group.id}
      and j.status = 'queued' and j.run_after < ${opening}::timestamptz`);
}
