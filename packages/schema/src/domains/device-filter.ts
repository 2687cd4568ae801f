/**
 * The devices list's filter: the `DeviceFilter` input and its one translation to SQL, used by the `devices`
 * list and by the bulk actions that take "every device matching the filter" (`updateDevices`,
 * `triggerBackup`), so a filter selects the same devices wherever it is given.
 */
import { and, eq, ilike, isNotNull, isNull, or, type SQL, sql } from 'drizzle-orm';
import { containsPattern } from '../alphabetical-pagination.js';
import { type BackupState, backupStateSql, backupStates } from '../backup-state.js';
import { builder } from '../builder.js';
import { devices } from '../db/tables.js';
import { isUuid } from '../errors.js';
import { readableDevicesCondition, type Viewer } from '../policy.js';

/** How many devices one bulk call may change or queue, given by ids or by a filter. */
export const maxBulkDevices = 10_000;

export const BackupStateEnum = builder.enumType('BackupState', {
  description:
    'FRESH: a recent success; STALE: no success within the freshness threshold; FAILING: the last attempt ' +
    'failed; NEVER: never collected; DISABLED: disabled or archived.',
  values: backupStates,
});

export const DeviceFilter = builder.inputType('DeviceFilter', {
  description: 'Every given field must match.',
  fields: (t) => ({
    search: t.string({ required: false, description: 'Part of the name or host, case-insensitive.' }),
    pluginKey: t.string({ required: false }),
    deviceGroupId: t.id({ required: false }),
    collectionGroupId: t.id({ required: false }),
    enabled: t.boolean({ required: false }),
    archived: t.boolean({
      required: false,
      description: 'true: only archived devices; otherwise archived devices are left out.',
    }),
    backupState: t.field({ type: BackupStateEnum, required: false }),
  }),
});

export interface DeviceFilterInput {
  search?: string | null;
  pluginKey?: string | null;
  deviceGroupId?: string | null;
  collectionGroupId?: string | null;
  enabled?: boolean | null;
  archived?: boolean | null;
  backupState?: BackupState | null;
}

/** The devices this viewer may read that match the filter (as of `now`, for the backup state). */
export function deviceFilterCondition(
  viewer: Viewer | null,
  filter: DeviceFilterInput | null | undefined,
  now: Date,
): SQL | undefined {
  return and(
    readableDevicesCondition(viewer),
    filter?.search
      ? or(ilike(devices.name, containsPattern(filter.search)), ilike(devices.host, containsPattern(filter.search)))
      : undefined,
    filter?.pluginKey ? eq(devices.pluginKey, filter.pluginKey) : undefined,
    filter?.deviceGroupId
      ? isUuid(filter.deviceGroupId)
        ? eq(devices.deviceGroupId, filter.deviceGroupId)
        : sql`false`
      : undefined,
    filter?.collectionGroupId
      ? isUuid(filter.collectionGroupId)
        ? eq(devices.collectionGroupId, filter.collectionGroupId)
        : sql`false`
      : undefined,
    filter?.enabled == null ? undefined : eq(devices.enabled, filter.enabled),
    filter?.archived ? isNotNull(devices.archivedAt) : isNull(devices.archivedAt),
    filter?.backupState ? eq(backupStateSql(now), filter.backupState) : undefined,
  );
}
