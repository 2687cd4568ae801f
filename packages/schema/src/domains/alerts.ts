/**
 * Alert rules and alerts (issue 12). Rules (admins) say which event kinds, for which devices, go to which
 * channels; the server's background evaluator opens one alert per (rule, device, kind) while the condition
 * holds and resolves it on recovery (or, for changes, on a later unchanged version). Operators acknowledge
 * alerts of their groups; everyone reads the alerts of devices they may read.
 */
import { and, eq, inArray, ne, type SQL, sql } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import type { Database } from '../db/database.js';
import {
  type AlertRuleRow,
  type AlertState,
  alertRules,
  alerts,
  devices,
  notificationChannels,
  users,
} from '../db/tables.js';
import { isUuid, NotFound, ValidationFailure } from '../errors.js';
import { newestFirstConnection } from '../pagination.js';
import { canOperateDevice, canReadDevice, forbidden, isAdmin, readableDevicesCondition } from '../policy.js';
import type { AlertChange } from '../pubsub.js';
import { deleteSuccess, type Failure, resultUnion } from '../results.js';
import { visibleEvents } from '../subscription-access.js';
import { checkName, firstFailure } from '../validation.js';
import { DeviceType } from './devices.js';
import { EventKindEnum } from './events.js';

export const AlertStateEnum = builder.enumType('AlertState', {
  values: {
    OPEN: { value: 'OPEN' },
    ACKNOWLEDGED: { value: 'ACKNOWLEDGED' },
    RESOLVED: { value: 'RESOLVED' },
  } as const,
});

interface AlertView {
  id: string;
  ruleId: string;
  kind: string;
  deviceId: string | null;
  state: AlertState;
  occurrences: number;
  createdAt: Date;
  lastSeenAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy?: string | null;
  resolvedAt: Date | null;
}

const fromChange = (change: AlertChange): AlertView => ({
  ...change,
  createdAt: new Date(change.createdAt),
  lastSeenAt: new Date(change.lastSeenAt),
  acknowledgedAt: change.acknowledgedAt ? new Date(change.acknowledgedAt) : null,
  resolvedAt: change.resolvedAt ? new Date(change.resolvedAt) : null,
});

export const AlertRuleType = builder.objectRef<AlertRuleRow>('AlertRule').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    kinds: t.field({ type: [EventKindEnum], resolve: (rule) => rule.kinds as never }),
    deviceGroupIds: t.exposeIDList('deviceGroupIds', { description: 'Empty: every group.' }),
    collectionGroupIds: t.exposeIDList('collectionGroupIds', { description: 'Empty: every collection group.' }),
    pluginKeys: t.exposeStringList('pluginKeys', { description: 'Empty: every plugin.' }),
    minConsecutiveFailures: t.exposeInt('minConsecutiveFailures'),
    significantOnly: t.exposeBoolean('significantOnly', {
      description: 'BACKUP_CHANGED only when the plugin’s significant view changed.',
    }),
    channelIds: t.exposeIDList('channelIds'),
    digestMinutes: t.exposeInt('digestMinutes', {
      nullable: true,
      description: 'Notifications leave grouped once per this many minutes; null sends each at once.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const AlertType = builder.objectRef<AlertView>('Alert').implement({
  description:
    'One per (rule, device, kind) while the condition holds; `occurrences` counts the events since it opened.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.field({ type: EventKindEnum, resolve: (alert) => alert.kind as never }),
    state: t.field({ type: AlertStateEnum, resolve: (alert) => alert.state }),
    occurrences: t.exposeInt('occurrences'),
    deviceId: t.exposeID('deviceId', { nullable: true }),
    device: t.field({
      type: DeviceType,
      nullable: true,
      resolve: async (alert, _args, ctx) => {
        if (!alert.deviceId) return null;
        const [device] = await ctx.db.select().from(devices).where(eq(devices.id, alert.deviceId));
        return device && canReadDevice(ctx.viewer, device) ? device : null;
      },
    }),
    rule: t.field({
      type: AlertRuleType,
      nullable: true,
      resolve: async (alert, _args, ctx) => {
        const [rule] = await ctx.db.select().from(alertRules).where(eq(alertRules.id, alert.ruleId));
        return rule ?? null;
      },
    }),
    openedAt: t.expose('createdAt', { type: 'DateTime' }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime' }),
    acknowledgedAt: t.expose('acknowledgedAt', { type: 'DateTime', nullable: true }),
    acknowledgedBy: t.string({
      nullable: true,
      description: 'The username of who acknowledged it.',
      resolve: async (alert, _args, ctx) => {
        if (!alert.acknowledgedBy) return null;
        const [user] = await ctx.db
          .select({ username: users.username })
          .from(users)
          .where(eq(users.id, alert.acknowledgedBy));
        return user?.username ?? null;
      },
    }),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true }),
  }),
});

const AlertFilter = builder.inputType('AlertFilter', {
  fields: (t) => ({
    states: t.field({ type: [AlertStateEnum], required: false }),
    kinds: t.field({ type: [EventKindEnum], required: false }),
    deviceId: t.id({ required: false }),
  }),
});

type AlertFilterInput = {
  states?: readonly string[] | null;
  kinds?: readonly string[] | null;
  deviceId?: string | null;
};

builder.queryField('alerts', (t) =>
  t.connection({
    type: AlertType,
    description: 'Alerts, newest first: of devices in your groups (admins: all).',
    args: { filter: t.arg({ type: AlertFilter, required: false }) },
    resolve: (_root, { filter, ...args }, ctx) => {
      const where = alertConditions(ctx, filter ?? {});
      return newestFirstConnection(args, alerts, (page) =>
        ctx.db
          .select({
            id: alerts.id,
            ruleId: alerts.ruleId,
            kind: alerts.kind,
            deviceId: alerts.deviceId,
            state: alerts.state,
            occurrences: alerts.occurrences,
            createdAt: alerts.createdAt,
            lastSeenAt: alerts.lastSeenAt,
            acknowledgedAt: alerts.acknowledgedAt,
            acknowledgedBy: alerts.acknowledgedBy,
            resolvedAt: alerts.resolvedAt,
          })
          .from(alerts)
          .leftJoin(devices, eq(devices.id, alerts.deviceId))
          .where(and(where, page.where))
          .orderBy(...page.orderBy)
          .limit(page.limit),
      );
    },
  }),
);

function alertConditions(ctx: Context, filter: AlertFilterInput): SQL | undefined {
  const readable = readableDevicesCondition(ctx.viewer);
  return and(
    readable ? and(sql`${alerts.deviceId} is not null`, readable) : undefined,
    filter.states?.length ? inArray(alerts.state, [...filter.states] as AlertState[]) : undefined,
    filter.kinds?.length ? inArray(alerts.kind, [...filter.kinds]) : undefined,
    filter.deviceId ? eq(alerts.deviceId, isUuid(filter.deviceId) ? filter.deviceId : nullUuid) : undefined,
  );
}

const nullUuid = '00000000-0000-0000-0000-000000000000';

builder.queryField('alertRules', (t) =>
  t.field({
    type: [AlertRuleType],
    authScopes: { admin: true },
    description: 'Every alert rule (admins only).',
    resolve: (_root, _args, ctx) => ctx.db.select().from(alertRules).orderBy(alertRules.name),
  }),
);

async function* liveAlerts(ctx: Context, filter: AlertFilterInput): AsyncGenerator<AlertView> {
  for await (const change of visibleEvents(
    ctx,
    () => ctx.pubsub.subscribe('alertChanged'),
    (alert) => alert.deviceId,
  )) {
    if (filter.states?.length && !filter.states.includes(change.state)) continue;
    if (filter.kinds?.length && !filter.kinds.includes(change.kind)) continue;
    if (filter.deviceId && change.deviceId !== filter.deviceId) continue;
    yield fromChange(change);
  }
}

builder.subscriptionField('alerts', (t) =>
  t.field({
    type: AlertType,
    description: 'Alerts as they open, are acknowledged and resolve, for devices in your groups.',
    args: { filter: t.arg({ type: AlertFilter, required: false }) },
    subscribe: (_root, { filter }, ctx) => liveAlerts(ctx, filter ?? {}),
    resolve: (alert) => alert,
  }),
);

// ── Rules ─────────────────────────────────────────────────────────────────────────────────────────────

const CreateAlertRuleInput = builder.inputType('CreateAlertRuleInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    kinds: t.field({ type: [EventKindEnum], required: true }),
    deviceGroupIds: t.idList({ required: false }),
    collectionGroupIds: t.idList({ required: false }),
    pluginKeys: t.stringList({ required: false }),
    minConsecutiveFailures: t.int({
      required: false,
      description: 'BACKUP_FAILED opens at this many failures in a row (default 1).',
    }),
    significantOnly: t.boolean({ required: false }),
    channelIds: t.idList({ required: true }),
    digestMinutes: t.int({ required: false }),
  }),
});

const UpdateAlertRuleInput = builder.inputType('UpdateAlertRuleInput', {
  description: 'Fields left out stay as they are.',
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ required: false }),
    kinds: t.field({ type: [EventKindEnum], required: false }),
    deviceGroupIds: t.idList({ required: false }),
    collectionGroupIds: t.idList({ required: false }),
    pluginKeys: t.stringList({ required: false }),
    minConsecutiveFailures: t.int({ required: false }),
    significantOnly: t.boolean({ required: false }),
    channelIds: t.idList({ required: false }),
    digestMinutes: t.int({ required: false }),
  }),
});

type RuleInput = {
  name?: string | null;
  kinds?: readonly string[] | null;
  deviceGroupIds?: readonly string[] | null;
  collectionGroupIds?: readonly string[] | null;
  pluginKeys?: readonly string[] | null;
  minConsecutiveFailures?: number | null;
  significantOnly?: boolean | null;
  channelIds?: readonly string[] | null;
  digestMinutes?: number | null;
};

async function checkRule(db: Database, input: RuleInput, id?: string): Promise<ValidationFailure | null> {
  const basic = firstFailure(
    input.name != null ? checkName('name', input.name) : null,
    input.kinds != null && input.kinds.length === 0
      ? new ValidationFailure('kinds', 'name at least one event kind')
      : null,
    input.minConsecutiveFailures != null && (input.minConsecutiveFailures < 1 || input.minConsecutiveFailures > 1000)
      ? new ValidationFailure('minConsecutiveFailures', 'minConsecutiveFailures must be between 1 and 1000')
      : null,
    input.digestMinutes != null && (input.digestMinutes < 1 || input.digestMinutes > 1440)
      ? new ValidationFailure('digestMinutes', 'digestMinutes must be between 1 and 1440')
      : null,
    input.channelIds != null && input.channelIds.length === 0
      ? new ValidationFailure('channelIds', 'name at least one notification channel')
      : null,
  );
  if (basic) return basic;
  for (const field of ['channelIds', 'deviceGroupIds', 'collectionGroupIds'] as const) {
    const ids = input[field] ?? [];
    if (ids.some((value) => !isUuid(value)))
      return new ValidationFailure(field, `${field} holds an id that is not a uuid`);
  }
  if (input.channelIds?.length) {
    const found = await db
      .select({ id: notificationChannels.id })
      .from(notificationChannels)
      .where(inArray(notificationChannels.id, [...input.channelIds]));
    if (found.length !== new Set(input.channelIds).size)
      return new ValidationFailure('channelIds', 'a notification channel does not exist');
  }
  if (input.name != null) {
    const [duplicate] = await db
      .select({ id: alertRules.id })
      .from(alertRules)
      .where(and(eq(alertRules.name, input.name.trim()), id ? ne(alertRules.id, id) : undefined));
    if (duplicate) return new ValidationFailure('name', `an alert rule named "${input.name.trim()}" already exists`);
  }
  return null;
}

function ruleValues(input: RuleInput) {
  const values: Partial<typeof alertRules.$inferInsert> = {};
  if (input.name != null) values.name = input.name.trim();
  if (input.kinds != null) values.kinds = [...new Set(input.kinds)];
  if (input.deviceGroupIds != null) values.deviceGroupIds = [...input.deviceGroupIds];
  if (input.collectionGroupIds != null) values.collectionGroupIds = [...input.collectionGroupIds];
  if (input.pluginKeys != null) values.pluginKeys = [...input.pluginKeys];
  if (input.minConsecutiveFailures != null) values.minConsecutiveFailures = input.minConsecutiveFailures;
  if (input.significantOnly != null) values.significantOnly = input.significantOnly;
  if (input.channelIds != null) values.channelIds = [...new Set(input.channelIds)];
  if (input.digestMinutes !== undefined) values.digestMinutes = input.digestMinutes;
  return values;
}

const CreateAlertRuleSuccess = builder.objectRef<{ alertRule: AlertRuleRow }>('CreateAlertRuleSuccess').implement({
  fields: (t) => ({ alertRule: t.field({ type: AlertRuleType, resolve: (r) => r.alertRule }) }),
});
const UpdateAlertRuleSuccess = builder.objectRef<{ alertRule: AlertRuleRow }>('UpdateAlertRuleSuccess').implement({
  fields: (t) => ({ alertRule: t.field({ type: AlertRuleType, resolve: (r) => r.alertRule }) }),
});

builder.mutationField('createAlertRule', (t) =>
  t.field({
    type: resultUnion('CreateAlertRuleResult', CreateAlertRuleSuccess),
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateAlertRuleInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ alertRule: AlertRuleRow } | Failure> => {
      const failure = await checkRule(ctx.db, input);
      if (failure) return failure;
      const values = ruleValues(input);
      const [row] = await ctx.db
        .insert(alertRules)
        .values({ ...values, name: values.name!, kinds: values.kinds!, channelIds: values.channelIds! })
        .returning();
      return { alertRule: row! };
    },
  }),
);

builder.mutationField('updateAlertRule', (t) =>
  t.field({
    type: resultUnion('UpdateAlertRuleResult', UpdateAlertRuleSuccess),
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateAlertRuleInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ alertRule: AlertRuleRow } | Failure> => {
      if (!isUuid(input.id)) return new NotFound('no such alert rule');
      const failure = await checkRule(ctx.db, input, input.id);
      if (failure) return failure;
      const [row] = await ctx.db
        .update(alertRules)
        .set({ ...ruleValues(input), updatedAt: new Date() })
        .where(eq(alertRules.id, input.id))
        .returning();
      return row ? { alertRule: row } : new NotFound('no such alert rule');
    },
  }),
);

const DeleteAlertRuleInput = builder.inputType('DeleteAlertRuleInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

builder.mutationField('deleteAlertRule', (t) =>
  t.field({
    type: resultUnion('DeleteAlertRuleResult', deleteSuccess('DeleteAlertRuleSuccess')),
    authScopes: { admin: true },
    description: 'Deletes the rule and its alerts; queued notifications of its alerts still go out.',
    args: { input: t.arg({ type: DeleteAlertRuleInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      if (!isUuid(input.id)) return new NotFound('no such alert rule');
      const [row] = await ctx.db.delete(alertRules).where(eq(alertRules.id, input.id)).returning({ id: alertRules.id });
      return row ? { deletedId: row.id } : new NotFound('no such alert rule');
    },
  }),
);

// ── Acknowledge ───────────────────────────────────────────────────────────────────────────────────────

const AcknowledgeAlertInput = builder.inputType('AcknowledgeAlertInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});
const AcknowledgeAlertSuccess = builder.objectRef<{ alert: AlertView }>('AcknowledgeAlertSuccess').implement({
  fields: (t) => ({ alert: t.field({ type: AlertType, resolve: (r) => r.alert }) }),
});

builder.mutationField('acknowledgeAlert', (t) =>
  t.field({
    type: resultUnion('AcknowledgeAlertResult', AcknowledgeAlertSuccess),
    description:
      'Marks an open alert as seen (operators of its device’s group, admins); it still resolves on recovery.',
    args: { input: t.arg({ type: AcknowledgeAlertInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      if (!isUuid(input.id)) return new NotFound('no such alert');
      const [row] = await ctx.db
        .select({ alert: alerts, deviceGroupId: devices.deviceGroupId })
        .from(alerts)
        .leftJoin(devices, eq(devices.id, alerts.deviceId))
        .where(eq(alerts.id, input.id));
      if (!row) return new NotFound('no such alert');
      const device = { deviceGroupId: row.deviceGroupId };
      const allowed = row.alert.deviceId ? canOperateDevice(ctx.viewer, device) : isAdmin(ctx.viewer);
      if (!allowed) {
        const visible = row.alert.deviceId ? canReadDevice(ctx.viewer, device) : false;
        if (!visible) return new NotFound('no such alert');
        throw forbidden('Only operators of the device’s group may acknowledge its alerts.');
      }
      const [updated] = await ctx.db
        .update(alerts)
        .set({ state: 'ACKNOWLEDGED', acknowledgedAt: new Date(), acknowledgedBy: ctx.viewer!.userId })
        .where(and(eq(alerts.id, input.id), eq(alerts.state, 'OPEN')))
        .returning();
      if (!updated) return { alert: row.alert };
      ctx.pubsub.publish('alertChanged', {
        ...updated,
        createdAt: updated.createdAt.toISOString(),
        lastSeenAt: updated.lastSeenAt.toISOString(),
        acknowledgedAt: updated.acknowledgedAt?.toISOString() ?? null,
        resolvedAt: updated.resolvedAt?.toISOString() ?? null,
      });
      return { alert: updated };
    },
  }),
);
