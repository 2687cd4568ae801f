/**
 * Freshness: each device's backup state (computed in SQL, see backup-state.ts) and `fleetStatus`, the counts
 * per state of the devices the viewer may read (archived devices left out), for the dashboard's overview.
 */
import { and, inArray, isNull, sql } from 'drizzle-orm';
import { type BackupState, backupStateSql } from '../backup-state.js';
import { builder } from '../builder.js';
import { rowsOf } from '../db/database.js';
import { type DeviceRow, devices } from '../db/tables.js';
import { readableDevicesCondition } from '../policy.js';
import { BackupStateEnum } from './device-filter.js';
import { DeviceType } from './devices.js';

builder.objectFields(DeviceType, (t) => ({
  backupState: t.loadable({
    type: BackupStateEnum,
    load: async (ids: string[], ctx) => {
      const rows = await ctx.db
        .select({ id: devices.id, state: backupStateSql(new Date()) })
        .from(devices)
        .where(inArray(devices.id, ids));
      const byId = new Map(rows.map((row) => [row.id, row.state]));
      return ids.map((id) => byId.get(id) ?? ('NEVER' as BackupState));
    },
    resolve: (device: DeviceRow) => device.id,
  }),
  lastSuccessAt: t.expose('lastSuccessAt', { type: 'DateTime', nullable: true }),
  lastFailureAt: t.expose('lastFailureAt', { type: 'DateTime', nullable: true }),
  consecutiveFailures: t.exposeInt('consecutiveFailures'),
}));

interface FleetStatus {
  fresh: number;
  stale: number;
  failing: number;
  never: number;
  disabled: number;
  total: number;
}

const FleetStatusType = builder.objectRef<FleetStatus>('FleetStatus').implement({
  description: 'Devices by backup state (those the viewer may read; archived devices are not counted).',
  fields: (t) => ({
    fresh: t.exposeInt('fresh'),
    stale: t.exposeInt('stale'),
    failing: t.exposeInt('failing'),
    never: t.exposeInt('never'),
    disabled: t.exposeInt('disabled'),
    total: t.exposeInt('total'),
  }),
});

builder.queryField('fleetStatus', (t) =>
  t.field({
    type: FleetStatusType,
    resolve: async (_root, _args, ctx) => {
      const state = backupStateSql(new Date());
      const where = and(readableDevicesCondition(ctx.viewer), isNull(devices.archivedAt)) ?? sql`true`;
      // Grouped in an outer query: the state expression carries a parameter, which GROUP BY can't repeat.
      const rows = rowsOf<{ state: BackupState; count: number }>(
        await ctx.db.execute(sql`
          /* fleetStatus */
          select state, count(*)::int as count
          from (select ${state} as state from ${devices} where ${where}) s
          group by state`),
      );
      const count = (name: BackupState) => Number(rows.find((row) => row.state === name)?.count ?? 0);
      return {
        fresh: count('FRESH'),
        stale: count('STALE'),
        failing: count('FAILING'),
        never: count('NEVER'),
        disabled: count('DISABLED'),
        total: rows.reduce((sum, row) => sum + Number(row.count), 0),
      };
    },
  }),
);
