/**
 * Queueing and cancelling backups: `triggerBackup` for one device, a list, a device group, a collection
 * group, every device matching the devices list's filter or every device the caller operates (all through the
 * one enqueue), and `cancelJob`.
 */
import { eq, inArray } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { devices, type JobRow, jobs } from '../db/tables.js';
import { isUuid, NotFound, ValidationFailure } from '../errors.js';
import { canOperateDevice, canOperateGroup, canReadDevice, forbidden, type Viewer } from '../policy.js';
import { type Failure, resultUnion } from '../results.js';
import { DeviceFilter, type DeviceFilterInput, deviceFilterCondition, maxBulkDevices } from './device-filter.js';
import { JobType } from './jobs.js';

const TriggerBackupInput = builder.inputType('TriggerBackupInput', {
  description: 'Exactly one of the fields. Devices with a queued or running job are skipped, not queued twice.',
  fields: (t) => ({
    deviceId: t.id({ required: false }),
    deviceIds: t.idList({ required: false }),
    deviceGroupId: t.id({ required: false }),
    collectionGroupId: t.id({ required: false }),
    all: t.boolean({ required: false, description: 'Every device the caller operates (admins: the fleet).' }),
    filter: t.field({
      type: DeviceFilter,
      required: false,
      description:
        'Every device the `devices` list shows the caller for this filter, across all pages, at most ' +
        `${maxBulkDevices.toLocaleString('en')}: a filter matching more is refused, not cut short.`,
    }),
  }),
});

interface Triggered {
  job: JobRow | null;
  jobs: JobRow[];
  queuedCount: number;
  skippedCount: number;
}

const TriggerBackupSuccess = builder.objectRef<Triggered>('TriggerBackupSuccess').implement({
  fields: (t) => ({
    job: t.field({
      type: JobType,
      nullable: true,
      description: 'For `deviceId`: its new job, or the one already on its way.',
      resolve: (result) => result.job,
    }),
    jobs: t.field({ type: [JobType], description: 'The jobs queued by this request.', resolve: (r) => r.jobs }),
    queuedCount: t.exposeInt('queuedCount'),
    skippedCount: t.exposeInt('skippedCount', { description: 'Devices skipped because a job was already waiting.' }),
  }),
});

const requester = (ctx: Context) => ({
  userId: ctx.viewer?.userId ?? null,
  label: ctx.viewer?.username ?? 'anonymous',
});

builder.mutationField('triggerBackup', (t) =>
  t.field({
    type: resultUnion('TriggerBackupResult', TriggerBackupSuccess),
    args: { input: t.arg({ type: TriggerBackupInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<Triggered | Failure> => {
      const given = (['deviceId', 'deviceIds', 'deviceGroupId', 'collectionGroupId', 'all', 'filter'] as const).filter(
        (key) => input[key] != null && input[key] !== false,
      );
      if (given.length !== 1)
        return new ValidationFailure(
          given[1] ?? 'deviceId',
          'give exactly one of deviceId, deviceIds, deviceGroupId, collectionGroupId, all, filter',
        );
      if (input.deviceId) return triggerOne(ctx, input.deviceId);
      const viewer = ctx.viewer!;
      if (viewer.role === 'viewer') throw forbidden('Viewers may not trigger backups.');
      if (input.deviceGroupId && !canReadGroup(viewer, input.deviceGroupId))
        return new NotFound(`device group ${input.deviceGroupId} does not exist`);
      if (input.deviceGroupId && !canOperateGroup(viewer, input.deviceGroupId))
        throw forbidden('Only operators of this device group may back it up.');
      for (const id of [input.deviceGroupId, input.collectionGroupId].filter(Boolean) as string[])
        if (!isUuid(id)) return new NotFound(`group ${id} does not exist`);
      const matching = input.filter ? await devicesMatching(ctx, input.filter) : null;
      if (matching && !Array.isArray(matching)) return matching;
      const deviceIds = matching ?? input.deviceIds?.map(String);
      const result = await ctx.jobQueue.enqueue({
        ...(deviceIds ? { deviceIds } : {}),
        select: {
          deviceGroupId: input.deviceGroupId ?? undefined,
          collectionGroupId: input.collectionGroupId ?? undefined,
          all: input.all ?? undefined,
          // An operator's reach: only devices of the groups they operate, whatever was asked for.
          withinDeviceGroups: viewer.role === 'admin' ? undefined : [...viewer.deviceGroupIds],
        },
        trigger: 'manual',
        requestedBy: requester(ctx),
      });
      return {
        job: null,
        jobs: await jobRows(
          ctx,
          result.queued.map((job) => job.jobId),
        ),
        queuedCount: result.queued.length,
        skippedCount: result.skippedCount,
      };
    },
  }),
);

/** The ids the devices list shows the caller for this filter, or a failure past the cap. */
async function devicesMatching(ctx: Context, filter: DeviceFilterInput): Promise<string[] | Failure> {
  const rows = await ctx.db
    .select({ id: devices.id })
    .from(devices)
    .where(deviceFilterCondition(ctx.viewer, filter, new Date()))
    .limit(maxBulkDevices + 1);
  if (rows.length > maxBulkDevices)
    return new ValidationFailure(
      'filter',
      `the filter matches more than ${maxBulkDevices.toLocaleString('en')} devices; narrow it and repeat`,
    );
  return rows.map((row) => row.id);
}

function canReadGroup(viewer: Viewer, deviceGroupId: string): boolean {
  return viewer.role === 'admin' || viewer.deviceGroupIds.has(deviceGroupId);
}

async function jobRows(ctx: Context, ids: string[]): Promise<JobRow[]> {
  if (ids.length === 0) return [];
  // At most the first 1,000 are returned as objects; the counts cover everything.
  return ctx.db
    .select()
    .from(jobs)
    .where(inArray(jobs.id, ids.slice(0, 1000)));
}

async function triggerOne(ctx: Context, deviceId: string): Promise<Triggered | Failure> {
  const device = isUuid(deviceId)
    ? (await ctx.db.select().from(devices).where(eq(devices.id, deviceId)))[0]
    : undefined;
  if (!device || !canReadDevice(ctx.viewer, device)) return new NotFound(`device ${deviceId} does not exist`);
  if (!canOperateDevice(ctx.viewer, device)) throw forbidden('Viewers may not trigger backups.');
  if (!device.enabled) return new ValidationFailure('deviceId', 'this device is disabled; enable it first');
  if (device.archivedAt) return new ValidationFailure('deviceId', 'this device is archived; unarchive it first');
  const { queued, skipped } = await ctx.jobQueue.enqueue({
    deviceIds: [device.id],
    trigger: 'manual',
    requestedBy: requester(ctx),
  });
  // A device with a queued or running job isn't queued twice: the caller gets the job already on its way.
  const jobId = queued[0]?.jobId ?? skipped[0]?.activeJobId;
  const [job] = jobId ? await ctx.db.select().from(jobs).where(eq(jobs.id, jobId)) : [];
  if (!job) return new ValidationFailure('deviceId', 'this device could not be queued; try again');
  return { job, jobs: queued.length ? [job] : [], queuedCount: queued.length, skippedCount: queued.length ? 0 : 1 };
}

const CancelJobInput = builder.inputType('CancelJobInput', { fields: (t) => ({ id: t.id({ required: true }) }) });

const CancelJobSuccess = builder.objectRef<{ job: JobRow }>('CancelJobSuccess').implement({
  fields: (t) => ({ job: t.field({ type: JobType, resolve: (result) => result.job }) }),
});

builder.mutationField('cancelJob', (t) =>
  t.field({
    description: 'Ends a queued or running job as failed with errorCode "cancelled"; nothing is stored.',
    type: resultUnion('CancelJobResult', CancelJobSuccess),
    args: { input: t.arg({ type: CancelJobInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ job: JobRow } | Failure> => {
      const [row] = isUuid(input.id)
        ? await ctx.db
            .select({ job: jobs, device: devices })
            .from(jobs)
            .innerJoin(devices, eq(devices.id, jobs.deviceId))
            .where(eq(jobs.id, input.id))
        : [];
      if (!row || !canReadDevice(ctx.viewer, row.device)) return new NotFound(`job ${input.id} does not exist`);
      if (!canOperateDevice(ctx.viewer, row.device)) throw forbidden('Viewers may not cancel jobs.');
      if (!(await ctx.jobQueue.cancel(row.job.id, requester(ctx))))
        return new ValidationFailure('id', `this job has already ended (${row.job.status})`);
      const [job] = await ctx.db.select().from(jobs).where(eq(jobs.id, row.job.id));
      return { job: job! };
    },
  }),
);
