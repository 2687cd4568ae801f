import { eq, inArray } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { backups, type DeviceRow, devices, type JobLogLine, type JobRow, jobs } from '../db/tables.js';
import { isUuid } from '../errors.js';
import { canReadDevice } from '../policy.js';
import type { JobProgressEvent } from '../pubsub.js';
import { visibleEvents } from '../subscription-access.js';
import { BackupType } from './backups.js';
import { DeviceType, loadLatestPerDevice } from './devices.js';

const terminalStatuses = new Set(['succeeded', 'failed']);

const JobLogLineType = builder.objectRef<JobLogLine>('JobLogLine').implement({
  fields: (t) => ({
    seq: t.exposeInt('seq'),
    at: t.field({ type: 'DateTime', resolve: (line) => new Date(line.at) }),
    status: t.exposeString('status'),
    message: t.exposeString('message'),
    attempt: t.exposeInt('attempt', { nullable: true, description: 'The attempt this line belongs to.' }),
  }),
});

export const JobType = builder.objectRef<JobRow>('Job').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.exposeString('status', { description: 'queued | running | storing | succeeded | failed' }),
    trigger: t.exposeString('trigger'),
    attempts: t.exposeInt('attempts'),
    maxAttempts: t.exposeInt('maxAttempts', {
      description: 'Transient failures are retried up to this many attempts.',
    }),
    runAfter: t.expose('runAfter', { type: 'DateTime', description: 'Not started before (spread, backoff, window).' }),
    requestedBy: t.exposeString('requestedBy', { nullable: true }),
    changedBy: t.exposeString('changedBy', { nullable: true, description: 'Who changed the device, when known.' }),
    errorCode: t.exposeString('errorCode', { nullable: true }),
    errorMessage: t.exposeString('errorMessage', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    log: t.field({ type: [JobLogLineType], resolve: (job) => job.log }),
    device: t.loadable({
      type: DeviceType,
      load: async (ids: string[], ctx) => {
        const rows = await ctx.db.select().from(devices).where(inArray(devices.id, ids));
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.map((id) => byId.get(id) ?? new Error(`device ${id} not found`));
      },
      resolve: (job) => job.deviceId,
    }),
    backup: t.field({
      type: BackupType,
      nullable: true,
      resolve: async (job, _args, ctx) => {
        if (!job.backupId) return null;
        const [backup] = await ctx.db.select().from(backups).where(eq(backups.id, job.backupId));
        return backup ?? null;
      },
    }),
  }),
});

builder.objectField(DeviceType, 'lastJob', (t) =>
  t.loadable({
    type: JobType,
    nullable: true,
    load: loadLatestPerDevice<JobRow>(jobs),
    resolve: (device: DeviceRow) => device.id,
  }),
);

builder.queryField('job', (t) =>
  t.field({
    type: JobType,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      if (!isUuid(id)) return null;
      const [row] = await ctx.db
        .select({ job: jobs, device: devices })
        .from(jobs)
        .innerJoin(devices, eq(devices.id, jobs.deviceId))
        .where(eq(jobs.id, id));
      return row && canReadDevice(ctx.viewer, row.device) ? row.job : null;
    },
  }),
);

const JobProgressEventType = builder.objectRef<JobProgressEvent>('JobProgressEvent').implement({
  fields: (t) => ({
    jobId: t.exposeID('jobId'),
    deviceId: t.exposeID('deviceId'),
    seq: t.exposeInt('seq'),
    status: t.exposeString('status'),
    message: t.exposeString('message'),
    errorCode: t.exposeString('errorCode', { nullable: true }),
    backupId: t.exposeID('backupId', { nullable: true }),
    at: t.field({ type: 'DateTime', resolve: (event) => new Date(event.at) }),
  }),
});

builder.subscriptionField('jobProgress', (t) =>
  t.field({
    type: JobProgressEventType,
    description: "One job's status changes and log lines, from the first (replayed) to succeeded or failed.",
    args: { jobId: t.arg.id({ required: true }) },
    subscribe: (_root, { jobId }, ctx) => replayThenFollow(jobId, ctx),
    resolve: (event) => event,
  }),
);

builder.subscriptionField('jobEvents', (t) =>
  t.field({
    type: JobProgressEventType,
    description: 'Live progress of every job, for dashboards.',
    subscribe: (_root, _args, ctx) => readableEvents(ctx),
    resolve: (event) => event,
  }),
);

/**
 * Every job event the viewer may see, through the shared device-group lookup (one query per device for all
 * subscribers); the subscriber's own access is re-checked as events arrive, and the subscription ends once
 * they are signed out, revoked or disabled.
 */
function readableEvents(ctx: Context): AsyncGenerator<JobProgressEvent> {
  return visibleEvents(
    ctx,
    () => ctx.pubsub.subscribe('jobEvents'),
    (event) =>
      event.deviceGroupId === undefined || event.deviceGroupAt === undefined
        ? event.deviceId
        : { id: event.deviceId, groupId: event.deviceGroupId, readAt: event.deviceGroupAt },
  );
}

/**
 * Subscribes first, then replays the stored log, then follows live events past the last replayed seq:
 * a client that subscribes after triggering still sees every step, in order, exactly once.
 */
async function* replayThenFollow(jobId: string, ctx: Context): AsyncGenerator<JobProgressEvent> {
  if (!isUuid(jobId)) return;
  const live = ctx.pubsub.subscribe('jobProgress', jobId);
  try {
    const [row] = await ctx.db
      .select({ job: jobs, device: devices })
      .from(jobs)
      .innerJoin(devices, eq(devices.id, jobs.deviceId))
      .where(eq(jobs.id, jobId));
    if (!row || !canReadDevice(ctx.viewer, row.device)) return;
    const { job } = row;
    let lastSeq = -1;
    for (const line of job.log) {
      lastSeq = line.seq;
      yield { ...line, jobId, deviceId: job.deviceId };
      if (terminalStatuses.has(line.status)) return;
    }
    for await (const event of live) {
      if (event.seq <= lastSeq) continue;
      const viewer = await ctx.currentViewer();
      if (!viewer || !canReadDevice(viewer, row.device)) return;
      lastSeq = event.seq;
      yield event;
      if (terminalStatuses.has(event.status)) return;
    }
  } finally {
    await live.return?.();
  }
}
