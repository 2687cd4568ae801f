/**
 * Notification channels (issue 12, admins only: a channel sends fleet facts outside DeviceVault). WEBHOOK,
 * SLACK and TEAMS take a URL (stored encrypted: Slack and Teams URLs are capabilities); EMAIL takes SMTP
 * settings with the password stored encrypted. Secrets are write-only: a webhook's signing secret is
 * returned once (on create, or when rotated), URLs and passwords never. The delivery log is in
 * `notification-deliveries.ts`.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import {
  type NotificationChannelKind,
  type NotificationChannelRow,
  notificationChannelKinds,
  notificationChannels,
} from '../db/tables.js';
import { isUuid, NotFound, ValidationFailure } from '../errors.js';
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

/** An EMAIL channel's settings as stored in `settings` (the password is in the sealed secret). */
interface EmailSettings {
  host: string;
  port: number;
  security: 'starttls' | 'tls' | 'none';
  username: string | null;
  from: string;
  to: string[];
}

const EmailSettingsType = builder.objectRef<EmailSettings>('EmailChannelSettings').implement({
  description: 'An EMAIL channel’s SMTP settings; the password is write-only and never returned.',
  fields: (t) => ({
    host: t.exposeString('host'),
    port: t.exposeInt('port'),
    security: t.field({ type: EmailSecurityEnum, resolve: (email) => email.security }),
    username: t.exposeString('username', { nullable: true }),
    from: t.exposeString('from'),
    to: t.exposeStringList('to'),
  }),
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
    email: t.field({
      type: EmailSettingsType,
      nullable: true,
      description: 'EMAIL: the SMTP settings (to edit them); null for other kinds.',
      resolve: (channel) => (channel.kind === 'EMAIL' ? (channel.settings as unknown as EmailSettings) : null),
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

/** A channel with the webhook signing secret when it was just made (create, or rotated); shown that once. */
interface ChannelWithSecret {
  channel: NotificationChannelRow;
  signingSecret: string | null;
}

function channelSuccess(name: string) {
  return builder.objectRef<ChannelWithSecret>(name).implement({
    fields: (t) => ({
      channel: t.field({ type: NotificationChannelType, resolve: (r) => r.channel }),
      signingSecret: t.exposeString('signingSecret', {
        nullable: true,
        description: 'WEBHOOK: the secret that signs X-DeviceVault-Signature. Shown this once; store it now.',
      }),
    }),
  });
}

const CreateNotificationChannelSuccess = channelSuccess('CreateNotificationChannelSuccess');

// ── Checks shared by create and update ────────────────────────────────────────────────────────────────

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

/** The stored settings of an EMAIL channel (with its `target` summary), or why they are refused. */
function emailSettingsOf(email: EmailSettings): Record<string, unknown> | ValidationFailure {
  const failure = firstFailure(
    checkHost('email.host', email.host),
    checkPort('email.port', email.port),
    emailPattern.test(email.from) ? null : new ValidationFailure('email.from', 'from must be an e-mail address'),
    email.to.length > 0 && email.to.every((to) => emailPattern.test(to))
      ? null
      : new ValidationFailure('email.to', 'to must list one or more e-mail addresses'),
  );
  if (failure) return failure;
  return {
    host: email.host,
    port: email.port,
    security: email.security,
    username: email.username || null,
    from: email.from,
    to: [...email.to],
    target: `smtp://${email.host}:${email.port} → ${email.to.join(', ')}`,
  } satisfies EmailSettings & { target: string };
}

/** A trimmed name no other channel has, or why not. */
async function checkChannelName(ctx: Context, name: string, exceptId?: string): Promise<ValidationFailure | null> {
  const failure = checkName('name', name);
  if (failure) return failure;
  const trimmed = name.trim();
  const [duplicate] = await ctx.db
    .select({ id: notificationChannels.id })
    .from(notificationChannels)
    .where(and(eq(notificationChannels.name, trimmed), exceptId ? ne(notificationChannels.id, exceptId) : undefined));
  return duplicate ? new ValidationFailure('name', `a notification channel named "${trimmed}" already exists`) : null;
}

function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

builder.mutationField('createNotificationChannel', (t) =>
  t.field({
    type: resultUnion('CreateNotificationChannelResult', CreateNotificationChannelSuccess),
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateNotificationChannelInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<ChannelWithSecret | Failure> => {
      const nameFailure = await checkChannelName(ctx, input.name);
      if (nameFailure) return nameFailure;
      let settings: Record<string, unknown>;
      let secret: Record<string, string>;
      let signingSecret: string | null = null;
      if (input.kind === 'EMAIL') {
        const email = input.email;
        if (!email) return new ValidationFailure('email', 'an EMAIL channel needs email settings');
        const checked = emailSettingsOf({ ...email, username: email.username ?? null, to: [...email.to] });
        if (checked instanceof ValidationFailure) return checked;
        settings = checked;
        secret = email.password ? { password: email.password } : {};
      } else {
        const failure = checkUrl(input.url);
        if (failure) return failure;
        settings = { target: new URL(input.url!).origin };
        secret = { url: input.url! };
        if (input.kind === 'WEBHOOK') {
          signingSecret = newSigningSecret();
          secret.signingSecret = signingSecret;
        }
      }
      const [channel] = await ctx.db
        .insert(notificationChannels)
        .values({
          name: input.name.trim(),
          kind: input.kind,
          settings,
          secretCiphertext: ctx.secrets.encrypt(JSON.stringify(secret)),
        })
        .returning();
      return { channel: channel!, signingSecret };
    },
  }),
);

// ── Update ────────────────────────────────────────────────────────────────────────────────────────────

const UpdateEmailSettingsInput = builder.inputType('UpdateEmailChannelInput', {
  description: 'Each field given replaces the stored one; omitted fields are kept.',
  fields: (t) => ({
    host: t.string({ required: false }),
    port: t.int({ required: false }),
    security: t.field({ type: EmailSecurityEnum, required: false }),
    username: t.string({
      required: false,
      description: 'An empty string sends without authentication (and forgets the stored password).',
    }),
    password: t.string({
      required: false,
      description: 'Write-only: omitted or empty keeps the stored password; given, it is stored encrypted.',
    }),
    from: t.string({ required: false }),
    to: t.stringList({ required: false }),
  }),
});

const UpdateNotificationChannelInput = builder.inputType('UpdateNotificationChannelInput', {
  description: 'Omitted fields are kept; a channel’s kind cannot change (create another channel instead).',
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ required: false }),
    url: t.string({
      required: false,
      description: 'WEBHOOK, SLACK and TEAMS: a new URL to POST to (stored encrypted); omitted keeps the stored one.',
    }),
    email: t.field({ type: UpdateEmailSettingsInput, required: false, description: 'EMAIL: SMTP settings to change.' }),
    rotateSigningSecret: t.boolean({
      required: false,
      description: 'WEBHOOK: replace the signing secret; the new one is returned this once as `signingSecret`.',
    }),
  }),
});

const UpdateNotificationChannelSuccess = channelSuccess('UpdateNotificationChannelSuccess');

builder.mutationField('updateNotificationChannel', (t) =>
  t.field({
    type: resultUnion('UpdateNotificationChannelResult', UpdateNotificationChannelSuccess),
    authScopes: { admin: true },
    description: 'Changes a channel’s name, URL or SMTP settings; its secrets stay unless replaced.',
    args: { input: t.arg({ type: UpdateNotificationChannelInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<ChannelWithSecret | Failure> => {
      if (!isUuid(input.id)) return new NotFound('no such notification channel');
      const [existing] = await ctx.db.select().from(notificationChannels).where(eq(notificationChannels.id, input.id));
      if (!existing) return new NotFound('no such notification channel');
      const isEmail = existing.kind === 'EMAIL';
      const failure = firstFailure(
        input.name != null ? await checkChannelName(ctx, input.name, existing.id) : null,
        input.url != null && isEmail ? new ValidationFailure('url', 'an EMAIL channel has no url') : null,
        input.url != null && !isEmail ? checkUrl(input.url) : null,
        input.email && !isEmail
          ? new ValidationFailure('email', `a ${existing.kind} channel has no email settings`)
          : null,
        input.rotateSigningSecret && existing.kind !== 'WEBHOOK'
          ? new ValidationFailure('rotateSigningSecret', 'only a WEBHOOK channel has a signing secret')
          : null,
      );
      if (failure) return failure;

      let settings = existing.settings;
      const patch: Record<string, string | null> = {};
      let signingSecret: string | null = null;
      if (isEmail && input.email) {
        const stored = existing.settings as unknown as EmailSettings;
        const email = input.email;
        const checked = emailSettingsOf({
          host: email.host ?? stored.host,
          port: email.port ?? stored.port,
          security: email.security ?? stored.security,
          username: email.username === undefined || email.username === null ? stored.username : email.username,
          from: email.from ?? stored.from,
          to: email.to ? [...email.to] : stored.to,
        });
        if (checked instanceof ValidationFailure) return checked;
        settings = checked;
        if (email.password) patch.password = email.password;
        else if (checked.username === null) patch.password = null;
      }
      if (!isEmail && input.url != null) {
        settings = { ...existing.settings, target: new URL(input.url).origin };
        patch.url = input.url;
      }
      if (input.rotateSigningSecret) {
        signingSecret = newSigningSecret();
        patch.signingSecret = signingSecret;
      }
      const [channel] = await ctx.db
        .update(notificationChannels)
        .set({
          name: input.name != null ? input.name.trim() : existing.name,
          settings,
          secretCiphertext:
            Object.keys(patch).length > 0
              ? ctx.secrets.resealJson(existing.secretCiphertext, patch)
              : existing.secretCiphertext,
          updatedAt: new Date(),
        })
        .where(eq(notificationChannels.id, existing.id))
        .returning();
      return channel ? { channel, signingSecret } : new NotFound('no such notification channel');
    },
  }),
);

// ── Delete ────────────────────────────────────────────────────────────────────────────────────────────

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
