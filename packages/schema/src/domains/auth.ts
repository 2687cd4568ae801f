/** Sign-in: login/logout/changePassword and `viewer`. Login is the only mutation open to anonymous callers. */
import { and, eq, ne } from 'drizzle-orm';
import { builder } from '../builder.js';
import { authTokens, type UserRow, users } from '../db/tables.js';
import { ErrorInterface, ValidationErrorType, ValidationFailure } from '../errors.js';
import { requireViewer } from '../policy.js';
import { type Failure, resultUnion } from '../results.js';
import { checkPasswordStrength } from '../user-rules.js';

const sessionLifetimeMs = 12 * 60 * 60 * 1000;

export const UserType = builder.objectRef<UserRow>('User').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    username: t.exposeString('username'),
    role: t.exposeString('role', { description: 'admin | operator | viewer' }),
    disabled: t.exposeBoolean('disabled'),
    lastLoginAt: t.expose('lastLoginAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export class LoginFailure {
  constructor(readonly message: string) {}
}

export class RateLimited {
  constructor(
    readonly message: string,
    readonly retryAfterSeconds: number,
  ) {}
}

const InvalidCredentialsErrorType = builder.objectType(LoginFailure, {
  name: 'InvalidCredentialsError',
  interfaces: [ErrorInterface],
  fields: () => ({}),
});

const RateLimitedErrorType = builder.objectType(RateLimited, {
  name: 'RateLimitedError',
  description:
    'Sign-in refused without checking the password: too many failures for this username (from addresses it ' +
    'never signed in from), from this address, or for this username from this address.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    retryAfterSeconds: t.exposeInt('retryAfterSeconds', { description: 'Seconds until the next attempt is counted.' }),
  }),
});

const LoginInput = builder.inputType('LoginInput', {
  fields: (t) => ({ username: t.string({ required: true }), password: t.string({ required: true }) }),
});

const LoginSuccess = builder.objectRef<{ token: string; user: UserRow }>('LoginSuccess').implement({
  fields: (t) => ({
    token: t.exposeString('token', { description: 'A session token; also usable as `Authorization: Bearer <token>`.' }),
    user: t.field({ type: UserType, resolve: (result) => result.user }),
  }),
});

const LoginResult = builder.unionType('LoginResult', {
  types: [LoginSuccess, InvalidCredentialsErrorType, RateLimitedErrorType, ValidationErrorType],
  resolveType: (value) => {
    if (value instanceof LoginFailure) return InvalidCredentialsErrorType;
    if (value instanceof RateLimited) return RateLimitedErrorType;
    if (value instanceof ValidationFailure) return ValidationErrorType;
    return LoginSuccess;
  },
});

builder.mutationField('login', (t) =>
  t.field({
    type: LoginResult,
    skipTypeScopes: true,
    args: { input: t.arg({ type: LoginInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const username = input.username.trim();
      const attempt = await ctx.loginThrottle.begin(username, ctx.sourceAddress);
      if (!attempt.allowed) {
        return new RateLimited(
          `Too many failed sign-ins for this username or from this address; try again in ${attempt.retryAfterSeconds} s.`,
          attempt.retryAfterSeconds,
        );
      }
      const [user] = await ctx.db.select().from(users).where(eq(users.username, username));
      // Verify against a hash even for unknown users so response time doesn't reveal which names exist.
      const valid = await ctx.passwords.verify(user?.passwordHash ?? unknownUserHash, input.password);
      // A failed attempt needs no call: begin() counted it already.
      if (!user || !valid || user.disabled) return new LoginFailure('Wrong username or password.');
      await attempt.succeeded(user.id);
      const expiresAt = new Date(Date.now() + sessionLifetimeMs);
      const { token } = await ctx.tokens.issue({ userId: user.id, kind: 'session', expiresAt });
      await ctx.db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
      ctx.sessionCookie.set(token, expiresAt);
      return { token, user };
    },
  }),
);

// An argon2id hash of a random string, used to spend the same time on unknown usernames.
const unknownUserHash =
  '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$0Yk7B5i0ZqCq3pyN7mWnJ1d3xq1lA2gq9Jb2m4nX7vU';

const LogoutSuccess = builder.objectRef<{ ok: true }>('LogoutSuccess').implement({
  fields: (t) => ({ ok: t.exposeBoolean('ok') }),
});

builder.mutationField('logout', (t) =>
  t.field({
    type: LogoutSuccess,
    resolve: async (_root, _args, ctx) => {
      const viewer = requireViewer(ctx.viewer);
      if (viewer.via === 'session') {
        await ctx.db.update(authTokens).set({ revokedAt: new Date() }).where(eq(authTokens.id, viewer.tokenId));
      }
      ctx.sessionCookie.clear();
      return { ok: true as const };
    },
  }),
);

const ChangePasswordInput = builder.inputType('ChangePasswordInput', {
  fields: (t) => ({ currentPassword: t.string({ required: true }), newPassword: t.string({ required: true }) }),
});

const ChangePasswordSuccess = builder.objectRef<{ user: UserRow }>('ChangePasswordSuccess').implement({
  fields: (t) => ({ user: t.field({ type: UserType, resolve: (result) => result.user }) }),
});

builder.mutationField('changePassword', (t) =>
  t.field({
    type: resultUnion('ChangePasswordResult', ChangePasswordSuccess),
    args: { input: t.arg({ type: ChangePasswordInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ user: UserRow } | Failure> => {
      const viewer = requireViewer(ctx.viewer);
      const [user] = await ctx.db.select().from(users).where(eq(users.id, viewer.userId));
      if (!user || !(await ctx.passwords.verify(user.passwordHash, input.currentPassword))) {
        return new ValidationFailure('currentPassword', 'the current password is wrong');
      }
      const weak = checkPasswordStrength('newPassword', input.newPassword);
      if (weak) return weak;
      const [updated] = await ctx.db
        .update(users)
        .set({ passwordHash: await ctx.passwords.hash(input.newPassword), updatedAt: new Date() })
        .where(eq(users.id, user.id))
        .returning();
      // Other sessions of this user end (this one stays); API tokens stay (they are managed separately).
      await ctx.db
        .update(authTokens)
        .set({ revokedAt: new Date() })
        .where(and(eq(authTokens.userId, user.id), eq(authTokens.kind, 'session'), ne(authTokens.id, viewer.tokenId)));
      return { user: updated! };
    },
  }),
);

builder.queryField('viewer', (t) =>
  t.field({
    type: UserType,
    nullable: true,
    skipTypeScopes: true,
    description: 'The signed-in user, or null.',
    resolve: async (_root, _args, ctx) => {
      if (!ctx.viewer) return null;
      const [user] = await ctx.db.select().from(users).where(eq(users.id, ctx.viewer.userId));
      return user ?? null;
    },
  }),
);
