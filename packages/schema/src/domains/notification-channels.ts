/**
 * Notification channels (issue 12, admins only: a channel sends fleet facts outside DeviceVault) and the
 * delivery log. WEBHOOK, SLACK and TEAMS take a URL (stored encrypted: Slack and Teams URLs are capabilities);
 * EMAIL takes SMTP settings with the password stored encrypted. A webhook's signing secret is returned once.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { builder } from '../builder.js';
import {
  type NotificationAttemptRow,
  type NotificationChannelKind,
  type NotificationChannelRow,
  type NotificationRow,
  notificationAttempts,
  notificationChannelKinds,
  notificationChannels,
  notifications,
} from '../db/tables.js';
import { isUuid, NotFound, ValidationFailure } from '../errors.js';
import { newestFirstConnection } from '../pagination.js';
import { deleteSuccess, type Failure, resultUnion } from '../results.js';
import { checkHost, checkName, checkPort, firstFailure } from '../validation.js';

export const NotificationChannelKindEnum = builder.enumType('NotificationChannelKind', {
  values: Object.fromEntries(notificationChannelKinds.map((kind) => [kind, { value: kind }])) as Record<
    NotificationChannelKind,
    { value: NotificationChannelKind }
  >,
});

const EmailSecurityEnum = builder.enumType('EmailSecurity', {
  description: 'STARTTLS (required), TLS (implicit, usually port 465) or NONE (a local relay).',
  values: { STARTTLS: { value: 'starttls' }, TLS: { value: 'tls' }, NONE: { value: 'none' } } as const,
});

export const NotificationChannelType = builder.objectRef<NotificationChannelRow>('NotificationChannel').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    kind: t.field({ type: NotificationChannelKindEnum, resolve: (channel) => channel.kind }),
    target: t.string({
      description: 'Where it sends, without secrets: the URL’s origin, or the SMTP host:port and recipients.',
      resolve: (channel) => String(channel.settings.target ?? ''),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('notificationChannels', (t) =>
  t.field({
    type: [NotificationChannelType],
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => ctx.db.select().from(notificationChannels).orderBy(notificationChannels.name),
  }),
);

const EmailSettingsInput = builder.inputType('EmailChannelInput', {
  fields: (t) => ({
    host: t.string({ required: true }),
    port: t.int({ required: true }),
    security: t.field({ type: EmailSecurityEnum, required: true }),
    username: t.string({ required: false }),
    password: t.string({ required: false, description: 'Stored encrypted; never returned.' }),
    from: t.string({ required: true }),
    to: t.stringList({ required: true }),
  }),
});

const CreateNotificationChannelInput = builder.inputType('CreateNotificationChannelInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    kind: t.field({ type: NotificationChannelKindEnum, required: true }),
    url: t.string({ required: false, description: 'WEBHOOK, SLACK and TEAMS: where to POST (stored encrypted).' }),
    email: t.field({
      type: EmailSettingsInput,
      required: false,
      description: 'EMAIL: the SMTP server and recipients.',
    }),
  }),
});

const CreateNotificationChannelSuccess = builder
  .objectRef<{ channel: NotificationChannelRow; signingSecret: string | null }>('CreateNotificationChannelSuccess')
  .implement({
    fields: (t) => ({
      channel: t.field({ type: NotificationChannelType, resolve: (r) => r.channel }),
      signingSecret: t.exposeString('signingSecret', {
        nullable: true,
        description: 'WEBHOOK: the secret that signs X-DeviceVault-Signature. Shown this once; store it now.',
      }),
    }),
  });

const emailPattern = /^[^\s@<>]+@[^\s@<>]+$/;

function checkUrl(url: string | null | undefined): ValidationFailure | null {
  if (!url) return new ValidationFailure('url', 'this kind of channel needs a url');
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      return new ValidationFailure('url', 'the url must be http or https');
    return null;
  } catch {
    return new ValidationFailure('url', 'the url is not a valid URL');
  }
}

builder.mutationField('createNotificationChannel', (t) =>
  t.field({
    type: resultUnion('CreateNotificationChannelResult', CreateNotificationChannelSuccess),
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateNotificationChannelInput, required: true }) },
    resolve: async (
      _root,
      { input },
      ctx,
    ): Promise<{ channel: NotificationChannelRow; signingSecret: string | null } | Failure> => {
      const name = input.name.trim();
      const nameFailure = checkName('name', input.name);
      if (nameFailure) return nameFailure;
      const [duplicate] = await ctx.db
        .select({ id: notificationChannels.id })
        .from(notificationChannels)
        .where(eq(notificationChannels.name, name));
      if (duplicate) return new ValidationFailure('name', `a notification channel named "${name}" already exists`);
      let settings: Record<string, unknown>;
      let secret: Record<string, string>;
      let signingSecret: string | null = null;
      if (input.kind === 'EMAIL') {
        const email = input.email;
        if (!email) return new ValidationFailure('email', 'an EMAIL channel needs email settings');
        const failure = firstFailure(
          checkHost('email.host', email.host),
          checkPort('email.port', email.port),
          emailPattern.test(email.from) ? null : new ValidationFailure('email.from', 'from must be an e-mail address'),
          email.to.length > 0 && email.to.every((to) => emailPattern.test(to))
            ? null
            : new ValidationFailure('email.to', 'to must list one or more e-mail addresses'),
        );
        if (failure) return failure;
        settings = {
          host: email.host,
          port: email.port,
          security: email.security,
          username: email.username ?? null,
          from: email.from,
          to: [...email.to],
          target: `smtp://${email.host}:${email.port} → ${email.to.join(', ')}`,
        };
        secret = email.password ? { password: email.password } : {};
      } else {
        const failure = checkUrl(input.url);
        if (failure) return failure;
        settings = { target: new URL(input.url!).origin };
        secret = { url: input.url! };
        if (input.kind === 'WEBHOOK') {
          signingSecret = `whsec_${randomBytes(32).toString('base64url')}`;
          secret.signingSecret = signingSecret;
        }
      }
      const [channel] = await ctx.db
        .insert(notificationChannels)
        .values({ name, kind: input.kind, settings, secretCiphertext: ctx.secrets.encrypt(JSON.stringify(secret)) })
        .returning();
      return { channel: channel!, signingSecret };
    },
  }),
);

const DeleteNotificationChannelInput = builder.inputType('DeleteNotificationChannelInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

builder.mutationField('deleteNotificationChannel', (t) =>
  t.field({
    type: resultUnion('DeleteNotificationChannelResult', deleteSuccess('DeleteNotificationChannelSuccess')),
    authScopes: { admin: true },
    description: 'Deletes the channel with its queued notifications and delivery log.',
    args: { input: t.arg({ type: DeleteNotificationChannelInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      if (!isUuid(input.id)) return new NotFound('no such notification channel');
      const [row] = await ctx.db
        .delete(notificationChannels)
        .where(eq(notificationChannels.id, input.id))
        .returning({ id: notificationChannels.id });
      return row ? { deletedId: row.id } : new NotFound('no such notification channel');
    },
  }),
);

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
    description: 'Sends one test message now (not through the outbox) and says what the receiver answered.',
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
  description: 'One message to one channel from the outbox, with every attempt to send it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    channelId: t.exposeID('channelId'),
    eventId: t.exposeID('eventId', { nullable: true }),
    alertId: t.exposeID('alertId', { nullable: true }),
    purpose: t.exposeString('purpose', { description: 'alert | resolved | delivery_failing' }),
    state: t.exposeString('state', { description: 'pending | delivered | dead' }),
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
    states: t.stringList({ required: false, description: 'pending | delivered | dead' }),
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
