/**
 * Queues a job for every enabled device of a collection group when its cron schedule fires.
 * Schedules are re-read every minute so edits apply without a restart.
 */
import type { JobQueuePort } from '@devicevault/schema/context';
import type { Database } from '@devicevault/schema/db/database';
import { collectionGroups, devices } from '@devicevault/schema/db/tables';
import { Cron } from 'croner';
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Logger } from '../log.js';

export interface Scheduler {
  start(): Promise<void>;
  stop(): void;
}

export function createScheduler(deps: { db: Database; log: Logger; enqueue: JobQueuePort['enqueue'] }): Scheduler {
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
    const members = await deps.db
      .select({ id: devices.id })
      .from(devices)
      .where(and(eq(devices.collectionGroupId, groupId), eq(devices.enabled, true)));
    await deps.enqueue({
      deviceIds: members.map((device) => device.id),
      trigger: 'schedule',
      requestedBy: { userId: null, label: 'scheduler' },
    });
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
