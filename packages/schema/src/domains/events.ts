/**
 * Device events (issue 12): the durable history (`events` connection) and the live subscriptions
 * `deviceEvents` and `configChanged`, filtered by the caller's device groups like every subscription.
 * Rows are written by the server in the transaction of the fact they describe; never through this API.
 */
import { and, eq, gte, inArray, lt, type SQL, sql } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { devices, events } from '../db/tables.js';
import { isUuid } from '../errors.js';
import { newestFirstConnection } from '../pagination.js';
import { canReadDevice, readableDevicesCondition } from '../policy.js';
import type { DeviceEvent } from '../pubsub.js';
import { visibleEvents } from '../subscription-access.js';
import { DeviceType } from './devices.js';

export const eventKinds = [
  'BACKUP_CHANGED',
  'BACKUP_FAILED',
  'DEVICE_RECOVERED',
  'DEVICE_STALE',
  'HOST_KEY_CHANGED',
  'SUSPECT_OUTPUT',
  'DELIVERY_FAILING',
] as const;

export const EventKindEnum = builder.enumType('EventKind', {
  values: Object.fromEntries(eventKinds.map((kind) => [kind, { value: kind }])) as Record<
    (typeof eventKinds)[number],
    { value: (typeof eventKinds)[number] }
  >,
});

interface EventView {
  id: string;
  kind: string;
  deviceId: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
}

const fromLive = (event: DeviceEvent): EventView => ({ ...event, createdAt: new Date(event.createdAt) });

export const DeviceEventType = builder.objectRef<EventView>('DeviceEvent').implement({
  description:
    'Something that happened to a device (or, for DELIVERY_FAILING, to a notification channel), written with the fact.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable: notifications carry it so receivers can de-duplicate.' }),
    kind: t.exposeString('kind', { description: eventKinds.join(' | ') }),
    deviceId: t.exposeID('deviceId', { nullable: true }),
    device: t.field({
      type: DeviceType,
      nullable: true,
      resolve: async (event, _args, ctx) => {
        if (!event.deviceId) return null;
        const [device] = await ctx.db.select().from(devices).where(eq(devices.id, event.deviceId));
        return device && canReadDevice(ctx.viewer, device) ? device : null;
      },
    }),
    payload: t.expose('payload', {
      type: 'JSONObject',
      description:
        'The facts: BACKUP_CHANGED { backupId previousBackupId added removed significant changedBy }, BACKUP_FAILED { code message consecutiveFailures attempt }, …',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const EventFilter = builder.inputType('EventFilter', {
  description: 'Every given field must match; `from` is inclusive and `to` exclusive.',
  fields: (t) => ({
    kinds: t.field({ type: [EventKindEnum], required: false }),
    deviceId: t.id({ required: false }),
    deviceGroupId: t.id({ required: false }),
    from: t.field({ type: 'DateTime', required: false }),
    to: t.field({ type: 'DateTime', required: false }),
  }),
});

type EventFilterInput = {
  kinds?: readonly string[] | null;
  deviceId?: string | null;
  deviceGroupId?: string | null;
  from?: Date | null;
  to?: Date | null;
};

builder.queryField('events', (t) =>
  t.connection({
    type: DeviceEventType,
    description: 'Device events, newest first: of devices in your groups (admins: all, with channel events).',
    args: { filter: t.arg({ type: EventFilter, required: false }) },
    resolve: (_root, { filter, ...args }, ctx) => {
      const where = eventConditions(ctx, filter ?? {});
      return newestFirstConnection(args, events, (page) =>
        ctx.db
          .select({
            id: events.id,
            kind: events.kind,
            deviceId: events.deviceId,
            payload: events.payload,
            createdAt: events.createdAt,
          })
          .from(events)
          .leftJoin(devices, eq(devices.id, events.deviceId))
          .where(and(where, page.where))
          .orderBy(...page.orderBy)
          .limit(page.limit),
      );
    },
  }),
);

function eventConditions(ctx: Context, filter: EventFilterInput): SQL | undefined {
  const readable = readableDevicesCondition(ctx.viewer);
  const uuidOrNone = (id: string) => (isUuid(id) ? id : '00000000-0000-0000-0000-000000000000');
  return and(
    readable ? and(sql`${events.deviceId} is not null`, readable) : undefined,
    filter.kinds?.length ? inArray(events.kind, [...filter.kinds]) : undefined,
    filter.deviceId ? eq(events.deviceId, uuidOrNone(filter.deviceId)) : undefined,
    filter.deviceGroupId ? eq(devices.deviceGroupId, uuidOrNone(filter.deviceGroupId)) : undefined,
    filter.from ? gte(events.createdAt, filter.from) : undefined,
    filter.to ? lt(events.createdAt, filter.to) : undefined,
  );
}

/** Live filter (the group check happens in visibleEvents; a device's group id is looked up once, shared). */
async function matchesLive(ctx: Context, filter: EventFilterInput, event: DeviceEvent): Promise<boolean> {
  if (filter.kinds?.length && !filter.kinds.includes(event.kind)) return false;
  if (filter.deviceId && event.deviceId !== filter.deviceId) return false;
  if (filter.deviceGroupId) {
    if (!event.deviceId) return false;
    if ((await ctx.deviceAccess.groupOf(event.deviceId)) !== filter.deviceGroupId) return false;
  }
  return true;
}

async function* filteredLive(ctx: Context, filter: EventFilterInput): AsyncGenerator<EventView> {
  for await (const event of visibleEvents(
    ctx,
    () => ctx.pubsub.subscribe('deviceEvents'),
    (e) => e.deviceId,
  )) {
    if (await matchesLive(ctx, filter, event)) yield fromLive(event);
  }
}

builder.subscriptionField('deviceEvents', (t) =>
  t.field({
    type: DeviceEventType,
    description: 'Every device event as it is written, for devices in your groups.',
    args: { filter: t.arg({ type: EventFilter, required: false }) },
    subscribe: (_root, { filter }, ctx) => filteredLive(ctx, filter ?? {}),
    resolve: (event) => event,
  }),
);

builder.subscriptionField('configChanged', (t) =>
  t.field({
    type: DeviceEventType,
    description: 'BACKUP_CHANGED events (a new version differs from the previous one), for devices in your groups.',
    args: { filter: t.arg({ type: EventFilter, required: false }) },
    subscribe: (_root, { filter }, ctx) => filteredLive(ctx, { ...filter, kinds: ['BACKUP_CHANGED'] }),
    resolve: (event) => event,
  }),
);
