/**
 * The delivery log of notification channels (admins only): every message of the outbox and every test send,
 * with each attempt to deliver it, and `sendTestNotification`.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { builder } from '../builder.js';
import {
  type NotificationAttemptRow,
  type NotificationRow,
  notificationAttempts,
  notifications,
} from '../db/tables.js';
import { isUuid, NotFound } from '../errors.js';
import { newestFirstConnection } from '../pagination.js';
import { resultUnion } from '../results.js';

const DeliveryOutcomeType = builder
  .objectRef<{ delivered: boolean; statusCode: number | null; error: string | null; durationMs: number }>(
    'DeliveryOutcome',
  )
  .implement({
    fields: (t) => ({
      delivered: t.exposeBoolean('delivered'),
      statusCode: t.exposeInt('statusCode', { nullable: true, description: 'HTTP status, or the SMTP reply code.' }),
      error: t.exposeString('error', { nullable: true }),
      durationMs: t.exposeInt('durationMs'),
    }),
  });

const SendTestNotificationInput = builder.inputType('SendTestNotificationInput', {
  fields: (t) => ({ channelId: t.id({ required: true }) }),
});
const SendTestNotificationSuccess = builder
  .objectRef<{ outcome: { delivered: boolean; statusCode: number | null; error: string | null; durationMs: number } }>(
    'SendTestNotificationSuccess',
  )
  .implement({ fields: (t) => ({ outcome: t.field({ type: DeliveryOutcomeType, resolve: (r) => r.outcome }) }) });

builder.mutationField('sendTestNotification', (t) =>
  t.field({
    type: resultUnion('SendTestNotificationResult', SendTestNotificationSuccess),
    authScopes: { admin: true },
    description:
      'Sends one test message now (not through the outbox, never retried) and says what the receiver answered; it is kept in the delivery log with purpose `test`.',
    args: { input: t.arg({ type: SendTestNotificationInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      if (!isUuid(input.channelId)) return new NotFound('no such notification channel');
      const outcome = await ctx.alerting.sendTest(input.channelId);
      return outcome ? { outcome } : new NotFound('no such notification channel');
    },
  }),
);

// ── Delivery log ──────────────────────────────────────────────────────────────────────────────────────

const NotificationAttemptType = builder.objectRef<NotificationAttemptRow>('NotificationAttempt').implement({
  fields: (t) => ({
    attempt: t.exposeInt('attempt'),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    durationMs: t.exposeInt('durationMs'),
    statusCode: t.exposeInt('statusCode', { nullable: true }),
    error: t.exposeString('error', { nullable: true }),
    delivered: t.exposeBoolean('delivered'),
  }),
});

const NotificationType = builder.objectRef<NotificationRow>('Notification').implement({
  description: 'One message to one channel (from the outbox, or a test send), with every attempt to send it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    channelId: t.exposeID('channelId'),
    eventId: t.exposeID('eventId', { nullable: true }),
    alertId: t.exposeID('alertId', { nullable: true }),
    purpose: t.exposeString('purpose', { description: 'alert | resolved | delivery_failing | test' }),
    state: t.exposeString('state', {
      description: 'pending | delivered | dead (given up) | failed (a test send that was not delivered)',
    }),
    attempts: t.exposeInt('attempts'),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
    payload: t.expose('payload', { type: 'JSONObject', description: 'The message as sent (webhook body).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    deliveryLog: t.field({
      type: [NotificationAttemptType],
      resolve: (notification, _args, ctx) =>
        ctx.db
          .select()
          .from(notificationAttempts)
          .where(eq(notificationAttempts.notificationId, notification.id))
          .orderBy(asc(notificationAttempts.attempt), asc(notificationAttempts.startedAt)),
    }),
  }),
});

const NotificationFilter = builder.inputType('NotificationFilter', {
  fields: (t) => ({
    channelId: t.id({ required: false }),
    states: t.stringList({ required: false, description: 'pending | delivered | dead | failed' }),
  }),
});

builder.queryField('notifications', (t) =>
  t.connection({
    type: NotificationType,
    authScopes: { admin: true },
    description: 'The outbox and its delivery log, newest first (admins only).',
    args: { filter: t.arg({ type: NotificationFilter, required: false }) },
    resolve: (_root, { filter, ...args }, ctx) => {
      const channelId = filter?.channelId;
      const where = and(
        channelId
          ? eq(notifications.channelId, isUuid(channelId) ? channelId : '00000000-0000-0000-0000-000000000000')
          : undefined,
        filter?.states?.length ? inArray(notifications.state, [...filter.states]) : undefined,
      );
      return newestFirstConnection(args, notifications, (page) =>
        ctx.db
          .select()
          .from(notifications)
          .where(and(where, page.where))
          .orderBy(...page.orderBy)
          .limit(page.limit),
      );
    },
  }),
);
