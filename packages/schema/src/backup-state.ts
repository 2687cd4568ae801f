/**
 * A device's backup state, computed in SQL so `devices(filter: { backupState })`, `fleetStatus` and the
 * staleness sweep agree and scale to a whole fleet in one query: DISABLED (disabled or archived), FAILING (the
 * last attempt failed), NEVER (nothing collected yet), STALE (no success within the group's freshness
 * threshold: its own setting, else twice the schedule period, else 25 h) or FRESH.
 */
import { type SQL, sql } from 'drizzle-orm';
import { devices } from './db/tables.js';

export const backupStates = ['FRESH', 'STALE', 'FAILING', 'NEVER', 'DISABLED'] as const;
export type BackupState = (typeof backupStates)[number];

/** 25 hours: a daily backup may run a little late without the device turning stale. */
export const defaultFreshnessSeconds = 25 * 3600;

/** Seconds without a success before the device is STALE (correlated on `devices`). */
export function freshnessSecondsSql(): SQL<number> {
  return sql<number>`coalesce((select coalesce(cg.freshness_seconds, 2 * cg.schedule_period_seconds)
    from collection_groups cg where cg.id = ${devices.collectionGroupId}), ${defaultFreshnessSeconds}::int)`;
}

/** The state of each row of `devices` as of `now`. */
export function backupStateSql(now: Date): SQL<BackupState> {
  return sql<BackupState>`(case
    when not ${devices.enabled} or ${devices.archivedAt} is not null then 'DISABLED'
    when ${devices.lastFailureAt} is not null
      and (${devices.lastSuccessAt} is null or ${devices.lastFailureAt} > ${devices.lastSuccessAt}) then 'FAILING'
    when ${devices.lastSuccessAt} is null then 'NEVER'
    when ${devices.lastSuccessAt} < ${now.toISOString()}::timestamptz - ${freshnessSecondsSql()} * interval '1 second'
      then 'STALE'
    else 'FRESH' end)`;
}
