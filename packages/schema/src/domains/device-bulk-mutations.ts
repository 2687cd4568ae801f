/**
 * `updateDevices`: enable, disable, move or (un)archive many devices in one call and one transaction, given by
 * ids or as every device matching the devices list's filter. Each device is checked by the same policy as the
 * single-device mutations; one device the caller may not change refuses the whole call, so a selection is
 * applied entirely or not at all.
 */
import { inArray, sql } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { Database } from '../db/database.js';
import { type DeviceRow, devices } from '../db/tables.js';
import { isUuid, NotFound, ValidationFailure } from '../errors.js';
import { canOperateDevice, canOperateGroup, canReadDevice, forbidden, type Viewer } from '../policy.js';
import type { JobProgressEvent } from '../pubsub.js';
import { type Failure, resultUnion } from '../results.js';
import { DeviceFilter, type DeviceFilterInput, deviceFilterCondition, maxBulkDevices } from './device-filter.js';
import { failQueuedJobsOf, publishJobFailures } from './device-mutations.js';
import { missingReference } from './devices.js';

const skipReasons = ['UNCHANGED', 'ALREADY_ARCHIVED', 'NOT_ARCHIVED'] as const;
type SkipReason = (typeof skipReasons)[number];

interface Skipped {
  deviceId: string;
  reason: SkipReason;
}

interface Outcome {
  updatedCount: number;
  skipped: Skipped[];
}

const UpdateDevicesSkipReason = builder.enumType('UpdateDevicesSkipReason', {
  description:
    'Why a device was left as it was: UNCHANGED (it already had the asked values), ALREADY_ARCHIVED ' +
    '(archive: true on an archived device), NOT_ARCHIVED (archive: false on a device that is not archived).',
  values: skipReasons,
});

const SkippedDeviceType = builder.objectRef<Skipped>('SkippedDevice').implement({
  fields: (t) => ({
    deviceId: t.exposeID('deviceId'),
    reason: t.field({ type: UpdateDevicesSkipReason, resolve: (skipped) => skipped.reason }),
  }),
});

const UpdateDevicesSuccess = builder.objectRef<Outcome>('UpdateDevicesSuccess').implement({
  fields: (t) => ({
    updatedCount: t.exposeInt('updatedCount', { description: 'Devices that changed.' }),
    skippedCount: t.int({ resolve: (outcome) => outcome.skipped.length }),
    skipped: t.field({ type: [SkippedDeviceType], resolve: (outcome) => outcome.skipped }),
  }),
});

const UpdateDevicesInput = builder.inputType('UpdateDevicesInput', {
  description:
    'The devices (exactly one of `deviceIds`, `filter`), and at least one change. Fields left out stay as they ' +
    'are; `deviceGroupId: null` takes the devices out of their group (admins only).',
  fields: (t) => ({
    deviceIds: t.idList({ required: false, description: `At most ${maxBulkDevices.toLocaleString('en')} ids.` }),
    filter: t.field({
      type: DeviceFilter,
      required: false,
      description:
        'Every device the `devices` list shows the caller for this filter, across all pages (its `totalCount`), ' +
        `at most ${maxBulkDevices.toLocaleString('en')}: a filter matching more is refused, not cut short.`,
    }),
    enabled: t.boolean({ required: false }),
    deviceGroupId: t.id({ required: false, description: 'Move every device into this group.' }),
    archive: t.boolean({ required: false, description: 'true archives the devices, false unarchives them.' }),
  }),
});

builder.mutationField('updateDevices', (t) =>
  t.field({
    description:
      'Bulk changes in one transaction: all devices change or none. A device id the caller cannot see makes it ' +
      'a NotFoundError (a filter only matches devices the caller can see, as the list does), one they may only ' +
      'read a FORBIDDEN error; operators move devices only into groups they operate. Disabling or archiving ' +
      'fails the devices’ queued jobs like setDeviceEnabled and archiveDevice.',
    type: resultUnion('UpdateDevicesResult', UpdateDevicesSuccess),
    args: { input: t.arg({ type: UpdateDevicesInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<Outcome | Failure> => {
      if ((input.deviceIds == null) === (input.filter == null))
        return new ValidationFailure('deviceIds', 'give exactly one of deviceIds, filter');
      const ids = input.deviceIds ? [...new Set(input.deviceIds.map(String))] : null;
      if (ids?.length === 0) return new ValidationFailure('deviceIds', 'give at least one device');
      if (ids && ids.length > maxBulkDevices)
        return new ValidationFailure('deviceIds', `at most ${maxBulkDevices.toLocaleString('en')} devices per call`);
      const malformed = ids?.find((id) => !isUuid(id));
      if (malformed) return new ValidationFailure('deviceIds', `"${malformed}" is not a device id`);
      if (input.filter && ctx.viewer?.role === 'viewer') throw forbidden('Viewers may not change devices.');
      const moveTo = input.deviceGroupId;
      if (input.enabled == null && moveTo === undefined && input.archive == null)
        return new ValidationFailure('input', 'give at least one of enabled, deviceGroupId, archive');
      if (moveTo) {
        const missing = await missingReference(ctx.db, moveTo);
        if (missing && canOperateGroup(ctx.viewer, moveTo)) return missing;
      }

      const failedJobs: JobProgressEvent[] = [];
      const outcome = await ctx.db.transaction(async (tx): Promise<Outcome | Failure> => {
        const readable = ids
          ? await lockDevicesById(tx, ctx.viewer, ids)
          : await lockDevicesMatching(tx, ctx.viewer, input.filter!);
        if (!Array.isArray(readable)) return readable;
        if (!readable.every((row) => canOperateDevice(ctx.viewer, row)))
          throw forbidden('Only operators of these devices’ groups may change them; nothing was changed.');

        const skipped: Skipped[] = [];
        const changed: DeviceRow[] = [];
        for (const row of readable) {
          const reason = skipReason(row, input.enabled, moveTo, input.archive);
          if (reason) skipped.push({ deviceId: row.id, reason });
          else changed.push(row);
        }
        const moving = moveTo !== undefined && changed.some((row) => row.deviceGroupId !== moveTo);
        if (moving && !canOperateGroup(ctx.viewer, moveTo ?? null))
          throw forbidden('You may only move devices into device groups you operate; nothing was changed.');
        if (changed.length === 0) return { updatedCount: 0, skipped };

        const now = new Date();
        await tx
          .update(devices)
          .set({
            ...(input.enabled == null ? {} : { enabled: input.enabled }),
            // Moved by hand: inventory syncs leave these devices' groups alone from now on (as updateDevice).
            ...(moveTo === undefined ? {} : { deviceGroupId: moveTo, manualOverrideAt: now }),
            ...(input.archive == null
              ? {}
              : { archivedAt: input.archive ? sql`coalesce(${devices.archivedAt}, now())` : null }),
            updatedAt: now,
          })
          .where(
            inArray(
              devices.id,
              changed.map((row) => row.id),
            ),
          );
        const stopped = changed.filter(
          (row) => (input.archive === true && !row.archivedAt) || (input.enabled === false && row.enabled),
        );
        const reason =
          input.archive === true
            ? 'The device was archived before this job ran'
            : 'The device was disabled before this job ran';
        failedJobs.push(
          ...(await failQueuedJobsOf(
            tx,
            stopped.map((row) => row.id),
            reason,
          )),
        );
        return { updatedCount: changed.length, skipped };
      });
      publishJobFailures(ctx, failedJobs);
      return outcome;
    },
  }),
);

/**
 * The devices with these ids, locked so a concurrent edit of the same devices waits for this one and sees its
 * result; NotFound when one is missing or outside the caller's groups.
 */
async function lockDevicesById(tx: Database, viewer: Viewer | null, ids: string[]): Promise<DeviceRow[] | Failure> {
  const rows = await tx.select().from(devices).where(inArray(devices.id, ids)).for('update');
  const readable = rows.filter((row) => canReadDevice(viewer, row));
  if (readable.length === ids.length) return readable;
  const found = new Set(readable.map((row) => row.id));
  const absent = ids.filter((id) => !found.has(id));
  return new NotFound(`${absent.length} of the devices do not exist: ${absent.slice(0, 5).join(', ')}`);
}

/**
 * Every device the list shows this caller for the filter (so an operator's filter never reaches another
 * group's devices: it is scoped, as their list is), locked like `lockDevicesById`. More than the cap is
 * refused rather than cut short, so "all N matching" never silently means fewer.
 */
async function lockDevicesMatching(
  tx: Database,
  viewer: Viewer | null,
  filter: DeviceFilterInput,
): Promise<DeviceRow[] | Failure> {
  const rows = await tx
    .select()
    .from(devices)
    .where(deviceFilterCondition(viewer, filter, new Date()))
    .orderBy(devices.id)
    .limit(maxBulkDevices + 1)
    .for('update');
  if (rows.length > maxBulkDevices)
    return new ValidationFailure(
      'filter',
      `the filter matches more than ${maxBulkDevices.toLocaleString('en')} devices; narrow it and repeat`,
    );
  return rows;
}

/** Why this device would be left as it is, or null when the input changes it. */
function skipReason(
  row: DeviceRow,
  enabled: boolean | null | undefined,
  moveTo: string | null | undefined,
  archive: boolean | null | undefined,
): SkipReason | null {
  const changesEnabled = enabled != null && row.enabled !== enabled;
  const moves = moveTo !== undefined && row.deviceGroupId !== moveTo;
  const changesArchive = archive != null && (row.archivedAt !== null) !== archive;
  if (changesEnabled || moves || changesArchive) return null;
  if (archive === true) return 'ALREADY_ARCHIVED';
  if (archive === false) return 'NOT_ARCHIVED';
  return 'UNCHANGED';
}
