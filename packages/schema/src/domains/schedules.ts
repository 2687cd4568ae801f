/**
 * When collection happens next: `Device.nextRunAt` (its group's next slot plus the device's stable spread
 * offset, moved into the backup window) and `scheduledRuns`, the next slots of every scheduled group.
 */
import { desc, eq, inArray, isNotNull } from 'drizzle-orm';
import { builder } from '../builder.js';
import { type CollectionGroupRow, collectionGroups, type DeviceRow, scheduleSlots } from '../db/tables.js';
import { deviceNextRun, nextSlot } from '../schedule.js';
import { CollectionGroupType } from './collection-groups.js';
import { DeviceType } from './devices.js';

builder.objectField(DeviceType, 'nextRunAt', (t) =>
  t.field({
    type: 'DateTime',
    nullable: true,
    description: 'When its collection group next starts it (null: manual only, disabled or archived).',
    resolve: async (device: DeviceRow, _args, ctx) => {
      if (!device.collectionGroupId || !device.enabled || device.archivedAt) return null;
      const [group] = await ctx.db
        .select()
        .from(collectionGroups)
        .where(eq(collectionGroups.id, device.collectionGroupId));
      return group ? deviceNextRun(group, device.id, new Date()) : null;
    },
  }),
);

type SlotRow = typeof scheduleSlots.$inferSelect;

const ScheduleSlotType = builder.objectRef<SlotRow>('ScheduleSlot').implement({
  description: 'A slot of a schedule that is past: `fired` (its jobs were queued, once) or `missed` (past catch-up).',
  fields: (t) => ({
    slotAt: t.expose('slotAt', { type: 'DateTime' }),
    outcome: t.exposeString('outcome', { description: 'fired | missed' }),
  }),
});

builder.objectField(CollectionGroupType, 'recentSlots', (t) =>
  t.field({
    type: [ScheduleSlotType],
    description: 'The latest slots dealt with, newest first.',
    args: { first: t.arg.int({ required: false, defaultValue: 20, description: '1 to 500.' }) },
    resolve: (group, args, ctx) =>
      ctx.db
        .select()
        .from(scheduleSlots)
        .where(eq(scheduleSlots.collectionGroupId, group.id))
        .orderBy(desc(scheduleSlots.slotAt))
        .limit(Math.min(Math.max(args.first ?? 20, 1), 500)),
  }),
);

interface ScheduledRun {
  at: Date;
  group: CollectionGroupRow;
}

const ScheduledRunType = builder.objectRef<ScheduledRun>('ScheduledRun').implement({
  description: "A slot of a collection group's schedule: its devices start from `at` (plus their spread offsets).",
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime' }),
    collectionGroup: t.field({ type: CollectionGroupType, resolve: (run) => run.group }),
  }),
});

builder.queryField('scheduledRuns', (t) =>
  t.field({
    type: [ScheduledRunType],
    description: 'The next slots of every scheduled collection group, soonest first.',
    args: {
      first: t.arg.int({ required: false, defaultValue: 20, description: '1 to 500.' }),
      collectionGroupIds: t.arg.idList({ required: false }),
    },
    resolve: async (_root, args, ctx) => {
      const first = Math.min(Math.max(args.first ?? 20, 1), 500);
      const groups = await ctx.db
        .select()
        .from(collectionGroups)
        .where(
          args.collectionGroupIds
            ? inArray(collectionGroups.id, args.collectionGroupIds.map(String))
            : isNotNull(collectionGroups.schedule),
        );
      const now = new Date();
      const runs: ScheduledRun[] = [];
      for (const group of groups) {
        let cursor = now;
        for (let i = 0; i < first; i++) {
          const at = nextSlot(group, cursor);
          if (!at) break;
          runs.push({ at, group });
          cursor = at;
        }
      }
      return runs.sort((a, b) => a.at.getTime() - b.at.getTime()).slice(0, first);
    },
  }),
);
