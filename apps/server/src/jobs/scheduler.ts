/**
 * Queues a job for every enabled device of a collection group when its cron schedule fires.
 * Schedules are re-read every minute so edits apply without a restart.
 */
import type { Database } from '@devicevault/schema/db/database';
import { collectionGroups, devices, jobs } from '@devicevault/schema/db/tables';
import { Cron } from 'croner';
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Logger } from '../log.js';

export interface Scheduler {
  start(): Promise<void>;
  stop(): void;
}

export function createScheduler(deps: { db: Database; log: Logger; onQueued(): void }): Scheduler {
  const crons = new Map<string, { schedule: string; cron: Cron }>();
  let refresher: NodeJS.Timeout | undefined;

  async function refresh() {
    const groups = await deps.db.select().from(collectionGroups).where(isNotNull(collectionGroups.schedule));
    const seen = new Set<string>();
    for (const group of groups) {
      seen.add(group.id);
      const current = crons.get(group.id);
      if (current?.schedule === group.schedule) continue;
      current?.cron.stop();
      try {
        const cron = new Cron(group.schedule!, { protect: true }, () => void enqueueGroup(group.id));
        crons.set(group.id, { schedule: group.schedule!, cron });
      } catch (error) {
        deps.log.warn('invalid schedule', { collectionGroupId: group.id, error: String(error) });
      }
    }
    for (const [id, entry] of crons) {
      if (seen.has(id)) continue;
      entry.cron.stop();
      crons.delete(id);
    }
  }

  async function enqueueGroup(groupId: string) {
    const queued = await enqueueDevices(
      deps.db,
      and(eq(devices.collectionGroupId, groupId), eq(devices.enabled, true)),
      'schedule',
    );
    if (queued > 0) deps.onQueued();
  }

  return {
    async start() {
      await refresh();
      refresher = setInterval(() => void refresh().catch(() => {}), 60_000);
    },
    stop() {
      clearInterval(refresher);
      for (const entry of crons.values()) entry.cron.stop();
      crons.clear();
    },
  };
}

/**
 * Queues one job per matching device, skipping devices that already have a queued or running job so a
 * slow device never piles up duplicates. Returns how many were queued.
 */
export async function enqueueDevices(db: Database, where: ReturnType<typeof and>, trigger: string): Promise<number> {
  const targets = await db
    .select({ id: devices.id })
    .from(devices)
    .where(
      and(
        where,
        sql`not exists (select 1 from ${jobs} where ${jobs.deviceId} = ${devices.id} and ${inArray(jobs.status, ['queued', 'running', 'storing'])})`,
      ),
    );
  if (targets.length === 0) return 0;
  const at = new Date().toISOString();
  await db.insert(jobs).values(
    targets.map((device) => ({
      deviceId: device.id,
      trigger,
      log: [{ seq: 0, at, status: 'queued' as const, message: `Queued by ${trigger}` }],
    })),
  );
  return targets.length;
}
