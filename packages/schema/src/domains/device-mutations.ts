/**
 * Changing and removing devices. Admins may change any device; operators only devices in their groups,
 * and only into groups they operate. Devices outside the viewer's groups look like missing ones.
 */
import { findPluginSummary } from '@devicevault/plugins/catalog';
import { and, eq, inArray } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import type { Database } from '../db/database.js';
import { credentials, type DeviceRow, devices, type JobLogLine, jobs } from '../db/tables.js';
import { isUuid, NotFound, ValidationFailure } from '../errors.js';
import { canOperateDevice, canOperateGroup, canReadDevice, canUseCredential, forbidden } from '../policy.js';
import type { JobProgressEvent } from '../pubsub.js';
import { type Failure, resultUnion } from '../results.js';
import { checkHost, checkName, checkPort, firstFailure } from '../validation.js';
import { DeviceType, missingOption, missingReference, normalizeOptions } from './devices.js';

/** The device if the viewer may change it; NotFound if they may not even see it; FORBIDDEN otherwise. */
export async function operableDevice(ctx: Context, id: string): Promise<DeviceRow | NotFound> {
  const [device] = isUuid(id) ? await ctx.db.select().from(devices).where(eq(devices.id, id)) : [];
  if (!device || !canReadDevice(ctx.viewer, device)) return new NotFound(`device ${id} does not exist`);
  if (!canOperateDevice(ctx.viewer, device)) throw forbidden('Only operators of this device’s group may change it.');
  return device;
}

export function deviceSuccess(name: string) {
  return builder.objectRef<{ device: DeviceRow }>(name).implement({
    fields: (t) => ({ device: t.field({ type: DeviceType, resolve: (result) => result.device }) }),
  });
}

const UpdateDeviceInput = builder.inputType('UpdateDeviceInput', {
  description:
    'Fields left out stay as they are; `credentialId`, `deviceGroupId`, `collectionGroupId` and `zoneId` may be set to null. ' +
    'Changing host or port forgets the pinned host key (the next collection pins the new one).',
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ required: false }),
    host: t.string({ required: false }),
    port: t.int({ required: false }),
    pluginKey: t.string({ required: false }),
    credentialId: t.id({ required: false }),
    deviceGroupId: t.id({ required: false }),
    collectionGroupId: t.id({ required: false }),
    zoneId: t.id({ required: false, description: 'Collected by that zone’s remote collectors; null: by the server.' }),
    options: t.field({ type: 'JSONObject', required: false }),
    scrubSecrets: t.boolean({ required: false }),
    enabled: t.boolean({ required: false }),
    forgetHostKey: t.boolean({
      required: false,
      description: 'Accept the next host key the device presents (after a legitimate key change).',
    }),
  }),
});

builder.mutationField('updateDevice', (t) =>
  t.field({
    type: resultUnion('UpdateDeviceResult', deviceSuccess('UpdateDeviceSuccess')),
    args: { input: t.arg({ type: UpdateDeviceInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ device: DeviceRow } | Failure> => {
      const existing = await operableDevice(ctx, input.id);
      if (existing instanceof NotFound) return existing;
      const next = {
        name: input.name?.trim() ?? existing.name,
        host: input.host?.trim() ?? existing.host,
        port: input.port ?? existing.port,
        pluginKey: input.pluginKey ?? existing.pluginKey,
        credentialId: input.credentialId === undefined ? existing.credentialId : input.credentialId,
        deviceGroupId: input.deviceGroupId === undefined ? existing.deviceGroupId : input.deviceGroupId,
        collectionGroupId: input.collectionGroupId === undefined ? existing.collectionGroupId : input.collectionGroupId,
        zoneId: input.zoneId === undefined ? existing.zoneId : input.zoneId,
        pluginOptions: input.options == null ? existing.pluginOptions : normalizeOptions(input.options),
        scrubSecrets: input.scrubSecrets ?? existing.scrubSecrets,
        enabled: input.enabled ?? existing.enabled,
      };
      const plugin = findPluginSummary(next.pluginKey);
      const failure = firstFailure(
        checkName('name', next.name),
        checkHost('host', next.host),
        checkPort('port', next.port),
        plugin ? null : new ValidationFailure('pluginKey', `unknown plugin key "${next.pluginKey}"`),
        next.pluginOptions ? null : new ValidationFailure('options', 'options must be an object of string values'),
        missingOption(plugin, next.pluginOptions ?? {}),
        plugin && plugin.transport !== 'none' && !next.credentialId
          ? new ValidationFailure('credentialId', `plugin "${plugin.key}" needs a credential`)
          : null,
        next.credentialId && !isUuid(next.credentialId)
          ? new ValidationFailure('credentialId', 'credentialId is not a valid id')
          : null,
      );
      if (failure) return failure;
      if (next.deviceGroupId !== existing.deviceGroupId && !canOperateGroup(ctx.viewer, next.deviceGroupId)) {
        throw forbidden('You may only move devices into device groups you operate.');
      }
      const missing = await missingReference(ctx.db, next.deviceGroupId, next.collectionGroupId, next.zoneId);
      if (missing) return missing;
      const moved = next.host !== existing.host || next.port !== existing.port;
      // What an inventory sync manages; forgetting the host key, a credential or enabling is no hand edit of it.
      const inventoryEdited = (
        ['name', 'host', 'port', 'pluginKey', 'deviceGroupId', 'collectionGroupId'] as const
      ).some((key) => next[key] !== existing[key]);
      // Attaching a credential, or sending the attached one to a new host, needs the right to use it.
      if (next.credentialId && (next.credentialId !== existing.credentialId || moved)) {
        const [credential] = await ctx.db
          .select({ id: credentials.id, deviceGroupId: credentials.deviceGroupId })
          .from(credentials)
          .where(eq(credentials.id, next.credentialId));
        if (!credential) return new NotFound(`credential ${next.credentialId} does not exist`);
        if (!canUseCredential(ctx.viewer, credential)) {
          throw forbidden('This credential is not scoped to a device group you operate; ask an administrator.');
        }
      }
      if (next.name !== existing.name) {
        const [duplicate] = await ctx.db.select({ id: devices.id }).from(devices).where(eq(devices.name, next.name));
        if (duplicate) return new ValidationFailure('name', `a device named "${next.name}" already exists`);
      }
      const [device] = await ctx.db
        .update(devices)
        .set({
          ...next,
          pluginOptions: next.pluginOptions ?? {},
          hostKeyFingerprint: moved || input.forgetHostKey ? null : existing.hostKeyFingerprint,
          // Edited by hand: inventory syncs leave this device's host, plugin and groups alone from now on.
          manualOverrideAt: inventoryEdited ? new Date() : existing.manualOverrideAt,
          updatedAt: new Date(),
        })
        .where(eq(devices.id, existing.id))
        .returning();
      if (existing.enabled && !device!.enabled) await failQueuedJobs(ctx, existing.id);
      return { device: device! };
    },
  }),
);

const SetDeviceEnabledInput = builder.inputType('SetDeviceEnabledInput', {
  fields: (t) => ({ id: t.id({ required: true }), enabled: t.boolean({ required: true }) }),
});

builder.mutationField('setDeviceEnabled', (t) =>
  t.field({
    description:
      'Disabled devices are never collected: schedules skip them, triggerBackup refuses them, and jobs still ' +
      'queued for them fail with errorCode "aborted".',
    type: resultUnion('SetDeviceEnabledResult', deviceSuccess('SetDeviceEnabledSuccess')),
    args: { input: t.arg({ type: SetDeviceEnabledInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ device: DeviceRow } | Failure> => {
      const existing = await operableDevice(ctx, input.id);
      if (existing instanceof NotFound) return existing;
      const [device] = await ctx.db
        .update(devices)
        .set({ enabled: input.enabled, updatedAt: new Date() })
        .where(eq(devices.id, existing.id))
        .returning();
      if (!input.enabled) await failQueuedJobs(ctx, existing.id);
      return { device: device! };
    },
  }),
);

/**
 * Fails the device's jobs that no runner has claimed yet, so a disabled device is not collected. The status
 * guard makes a concurrent claim win cleanly: a job already running is left to the runner.
 */
export async function failQueuedJobs(
  ctx: Context,
  deviceId: string,
  reason = 'The device was disabled before this job ran',
) {
  publishJobFailures(ctx, await failQueuedJobsOf(ctx.db, [deviceId], reason));
}

/**
 * Fails the queued jobs of these devices through `db` (a transaction's handle works) and returns the log
 * lines to publish with `publishJobFailures` once that transaction has committed.
 */
export async function failQueuedJobsOf(
  db: Database,
  deviceIds: readonly string[],
  reason: string,
): Promise<JobProgressEvent[]> {
  if (deviceIds.length === 0) return [];
  const queued = await db
    .select()
    .from(jobs)
    .where(and(inArray(jobs.deviceId, [...deviceIds]), eq(jobs.status, 'queued')));
  const events: JobProgressEvent[] = [];
  for (const job of queued) {
    const line: JobLogLine = {
      seq: job.log.reduce((max, entry) => Math.max(max, entry.seq), -1) + 1,
      at: new Date().toISOString(),
      status: 'failed',
      message: reason,
      errorCode: 'aborted',
    };
    const [failed] = await db
      .update(jobs)
      .set({
        status: 'failed',
        errorCode: 'aborted',
        errorMessage: line.message,
        finishedAt: new Date(),
        log: [...job.log, line],
      })
      .where(and(eq(jobs.id, job.id), eq(jobs.status, 'queued')))
      .returning({ id: jobs.id });
    if (failed) events.push({ ...line, jobId: job.id, deviceId: job.deviceId });
  }
  return events;
}

export function publishJobFailures(ctx: Pick<Context, 'pubsub'>, events: readonly JobProgressEvent[]) {
  for (const event of events) {
    ctx.pubsub.publish('jobProgress', event.jobId, event);
    ctx.pubsub.publish('jobEvents', event);
  }
}
