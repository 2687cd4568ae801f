/**
 * API tokens for scripts (`Authorization: Bearer dvt_…`): shown once at creation, stored as a sha256, with
 * an optional expiry and revocation. A token acts as its user, with that user's role and grants.
 * Everyone manages their own tokens; admins see and revoke everyone's.
 */
import { and, eq, gt, isNull, or, type SQL } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { type AuthTokenRow, authTokens, users } from '../db/tables.js';
import { isUuid, NotFound, ValidationFailure } from '../errors.js';
import { newestFirstConnection } from '../pagination.js';
import { forbidden, isAdmin, requireViewer } from '../policy.js';
import { type Failure, resultUnion } from '../results.js';
import { checkName } from '../validation.js';
import { UserType } from './auth.js';

const maxLifetimeMs = 5 * 366 * 24 * 60 * 60 * 1000;

export const ApiTokenType = builder.objectRef<AuthTokenRow>('ApiToken').implement({
  description: 'An API token’s metadata; the token itself is only ever shown by createApiToken.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix', { description: 'The first characters, to tell tokens apart.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    lastUsedAt: t.expose('lastUsedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Updated at most once a minute.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    active: t.boolean({
      resolve: (row) => row.revokedAt === null && (row.expiresAt === null || row.expiresAt > new Date()),
    }),
    user: t.field({
      type: UserType,
      resolve: async (row, _args, ctx) => {
        const [user] = await ctx.db.select().from(users).where(eq(users.id, row.userId));
        return user!;
      },
    }),
  }),
});

const ApiTokenFilter = builder.inputType('ApiTokenFilter', {
  fields: (t) => ({
    userId: t.id({ required: false, description: 'Admins only: one user’s tokens.' }),
    includeInactive: t.boolean({ required: false, description: 'Also list revoked and expired tokens.' }),
  }),
});

builder.queryField('apiTokens', (t) =>
  t.connection({
    type: ApiTokenType,
    description: 'Your API tokens, newest first; admins see everyone’s.',
    args: { filter: t.arg({ type: ApiTokenFilter, required: false }) },
    resolve: (_root, { filter, ...args }, ctx) => {
      const viewer = requireViewer(ctx.viewer);
      if (filter?.userId && !isUuid(filter.userId)) return { edges: [], pageInfo: emptyPageInfo };
      const owner: SQL | undefined = isAdmin(viewer)
        ? filter?.userId
          ? eq(authTokens.userId, filter.userId)
          : undefined
        : eq(authTokens.userId, viewer.userId);
      const active = filter?.includeInactive
        ? undefined
        : and(isNull(authTokens.revokedAt), or(isNull(authTokens.expiresAt), gt(authTokens.expiresAt, new Date())));
      return newestFirstConnection(args, authTokens, (page) =>
        ctx.db
          .select()
          .from(authTokens)
          .where(and(eq(authTokens.kind, 'api'), owner, active, page.where))
          .orderBy(...page.orderBy)
          .limit(page.limit),
      );
    },
  }),
);

const emptyPageInfo = { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null };

const CreateApiTokenInput = builder.inputType('CreateApiTokenInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'What the token is for, e.g. "nightly export".' }),
    expiresAt: t.field({ type: 'DateTime', required: false, description: 'Null: never expires (revoke it instead).' }),
  }),
});

const CreateApiTokenSuccess = builder
  .objectRef<{ token: string; apiToken: AuthTokenRow }>('CreateApiTokenSuccess')
  .implement({
    fields: (t) => ({
      token: t.exposeString('token', { description: 'Send as `Authorization: Bearer <token>`. Shown this once.' }),
      apiToken: t.field({ type: ApiTokenType, resolve: (result) => result.apiToken }),
    }),
  });

builder.mutationField('createApiToken', (t) =>
  t.field({
    description: 'Creates a token for the signed-in user. Requires a session: API tokens cannot mint tokens.',
    type: resultUnion('CreateApiTokenResult', CreateApiTokenSuccess),
    args: { input: t.arg({ type: CreateApiTokenInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ token: string; apiToken: AuthTokenRow } | Failure> => {
      const viewer = requireViewer(ctx.viewer);
      // A leaked token must not be able to outlive its revocation by minting successors.
      if (viewer.via === 'api') throw forbidden('Sign in with a password to create API tokens.');
      const failure = checkName('name', input.name, 100) ?? checkExpiry(input.expiresAt);
      if (failure) return failure;
      const { token, row } = await ctx.tokens.issue({
        userId: viewer.userId,
        kind: 'api',
        name: input.name.trim(),
        expiresAt: input.expiresAt ?? null,
      });
      return { token, apiToken: row };
    },
  }),
);

const RevokeApiTokenInput = builder.inputType('RevokeApiTokenInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

const RevokeApiTokenSuccess = builder.objectRef<{ apiToken: AuthTokenRow }>('RevokeApiTokenSuccess').implement({
  fields: (t) => ({ apiToken: t.field({ type: ApiTokenType, resolve: (result) => result.apiToken }) }),
});

builder.mutationField('revokeApiToken', (t) =>
  t.field({
    description: 'Revokes one of your tokens (admins: anyone’s). Revoking twice is harmless.',
    type: resultUnion('RevokeApiTokenResult', RevokeApiTokenSuccess),
    args: { input: t.arg({ type: RevokeApiTokenInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ apiToken: AuthTokenRow } | Failure> => {
      const existing = await findOwnToken(ctx, input.id);
      if (!existing) return new NotFound(`API token ${input.id} does not exist`);
      if (existing.revokedAt) return { apiToken: existing };
      const [apiToken] = await ctx.db
        .update(authTokens)
        .set({ revokedAt: new Date() })
        .where(eq(authTokens.id, existing.id))
        .returning();
      return { apiToken: apiToken! };
    },
  }),
);

/** Tokens of other users look like missing ones to non-admins. */
async function findOwnToken(ctx: Context, id: string): Promise<AuthTokenRow | undefined> {
  const viewer = requireViewer(ctx.viewer);
  if (!isUuid(id)) return undefined;
  const [row] = await ctx.db
    .select()
    .from(authTokens)
    .where(
      and(
        eq(authTokens.id, id),
        eq(authTokens.kind, 'api'),
        isAdmin(viewer) ? undefined : eq(authTokens.userId, viewer.userId),
      ),
    );
  return row;
}

function checkExpiry(expiresAt: Date | null | undefined): ValidationFailure | null {
  if (expiresAt == null) return null;
  if (expiresAt.getTime() <= Date.now()) return new ValidationFailure('expiresAt', 'expiresAt must be in the future');
  if (expiresAt.getTime() > Date.now() + maxLifetimeMs)
    return new ValidationFailure('expiresAt', 'expiresAt must be within five years');
  return null;
}
