/**
 * Users, roles and grants (admins only). A user's role (viewer / operator) applies in the device groups
 * they are granted; admins see everything. The last enabled admin can be neither demoted, disabled nor deleted.
 */
import { and, eq, ilike, inArray } from 'drizzle-orm';
import { alphabeticalConnection, containsPattern } from '../alphabetical-pagination.js';
import { builder } from '../builder.js';
import type { Database, Transaction } from '../db/database.js';
import { authTokens, deviceGroups, type UserRole, type UserRow, userGrants, users } from '../db/tables.js';
import { isUuid, LastAdmin, LastAdminErrorType, NotFound, ValidationFailure } from '../errors.js';
import { requireViewer } from '../policy.js';
import { deleteSuccess, type Failure, resultUnion } from '../results.js';
import { checkPasswordStrength, checkRole, checkUsername, generatePassword } from '../user-rules.js';
import { UserType } from './auth.js';
import { DeviceGroupType } from './device-groups.js';

builder.objectField(UserType, 'deviceGroups', (t) =>
  t.field({
    type: [DeviceGroupType],
    description: 'The device groups this user’s role applies to (admins have every group regardless).',
    resolve: async (user: UserRow, _args, ctx) => {
      const rows = await ctx.db
        .select({ group: deviceGroups })
        .from(userGrants)
        .innerJoin(deviceGroups, eq(deviceGroups.id, userGrants.deviceGroupId))
        .where(eq(userGrants.userId, user.id))
        .orderBy(deviceGroups.name);
      return rows.map((row) => row.group);
    },
  }),
);

const UserFilter = builder.inputType('UserFilter', {
  fields: (t) => ({
    search: t.string({ required: false, description: 'Part of the username, case-insensitive.' }),
    role: t.string({ required: false }),
    disabled: t.boolean({ required: false }),
  }),
});

builder.queryField('users', (t) =>
  t.connection({
    type: UserType,
    authScopes: { admin: true },
    description: 'Users by username (admins only).',
    args: { filter: t.arg({ type: UserFilter, required: false }) },
    resolve: (_root, { filter, ...args }, ctx) =>
      alphabeticalConnection(
        args,
        { key: users.username, id: users.id },
        (page) =>
          ctx.db
            .select()
            .from(users)
            .where(
              and(
                filter?.search ? ilike(users.username, containsPattern(filter.search)) : undefined,
                filter?.role ? eq(users.role, filter.role as UserRole) : undefined,
                filter?.disabled == null ? undefined : eq(users.disabled, filter.disabled),
                page.where,
              ),
            )
            .orderBy(...page.orderBy)
            .limit(page.limit),
        (row) => row.username,
      ),
  }),
);

builder.queryField('user', (t) =>
  t.field({
    type: UserType,
    nullable: true,
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => (await findUser(ctx.db, id)) ?? null,
  }),
);

const CreateUserInput = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    username: t.string({ required: true }),
    role: t.string({ required: true, description: 'admin | operator | viewer' }),
    password: t.string({ required: false, description: 'At least 10 characters; generated when left out.' }),
    deviceGroupIds: t.idList({ required: false, description: 'Grants: the groups the role applies to.' }),
  }),
});

const CreateUserSuccess = builder
  .objectRef<{ user: UserRow; generatedPassword: string | null }>('CreateUserSuccess')
  .implement({
    fields: (t) => ({
      user: t.field({ type: UserType, resolve: (result) => result.user }),
      generatedPassword: t.exposeString('generatedPassword', {
        nullable: true,
        description: 'Set only when no password was given; shown this once.',
      }),
    }),
  });

builder.mutationField('createUser', (t) =>
  t.field({
    authScopes: { admin: true },
    type: resultUnion('CreateUserResult', CreateUserSuccess),
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ user: UserRow; generatedPassword: string | null } | Failure> => {
      const username = input.username.trim();
      const failure =
        checkUsername(username) ??
        checkRole(input.role) ??
        (input.password == null ? null : checkPasswordStrength('password', input.password));
      if (failure) return failure;
      const groups = await checkGroups(ctx.db, input.deviceGroupIds ?? []);
      if (groups instanceof NotFound || groups instanceof ValidationFailure) return groups;
      const [clash] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.username, username));
      if (clash) return new ValidationFailure('username', `a user named "${username}" already exists`);
      const generatedPassword = input.password == null ? generatePassword() : null;
      const passwordHash = await ctx.passwords.hash(input.password ?? generatedPassword!);
      const user = await ctx.db.transaction(async (tx) => {
        const [created] = await tx
          .insert(users)
          .values({ username, role: input.role as UserRole, passwordHash })
          .returning();
        await replaceGrants(tx, created!.id, groups);
        return created!;
      });
      return { user, generatedPassword };
    },
  }),
);

const UpdateUserInput = builder.inputType('UpdateUserInput', {
  description: 'Fields left out stay as they are; `deviceGroupIds` replaces every grant.',
  fields: (t) => ({
    id: t.id({ required: true }),
    role: t.string({ required: false }),
    disabled: t.boolean({ required: false, description: 'Disabling also ends the user’s sessions.' }),
    deviceGroupIds: t.idList({ required: false }),
  }),
});

const UpdateUserSuccess = builder.objectRef<{ user: UserRow }>('UpdateUserSuccess').implement({
  fields: (t) => ({ user: t.field({ type: UserType, resolve: (result) => result.user }) }),
});

builder.mutationField('updateUser', (t) =>
  t.field({
    authScopes: { admin: true },
    type: resultUnion('UpdateUserResult', UpdateUserSuccess, [[LastAdmin, LastAdminErrorType]]),
    args: { input: t.arg({ type: UpdateUserInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ user: UserRow } | Failure | LastAdmin> => {
      const existing = await findUser(ctx.db, input.id);
      if (!existing) return new NotFound(`user ${input.id} does not exist`);
      const failure = input.role == null ? null : checkRole(input.role);
      if (failure) return failure;
      const groups = input.deviceGroupIds == null ? null : await checkGroups(ctx.db, input.deviceGroupIds);
      if (groups instanceof NotFound || groups instanceof ValidationFailure) return groups;
      const role = (input.role ?? existing.role) as UserRole;
      const disabled = input.disabled ?? existing.disabled;
      return ctx.db.transaction(async (tx) => {
        if ((role !== 'admin' || disabled) && (await isLastAdmin(tx, existing.id)))
          return new LastAdmin(`"${existing.username}" is the last enabled administrator`);
        const [user] = await tx
          .update(users)
          .set({ role, disabled, updatedAt: new Date() })
          .where(eq(users.id, existing.id))
          .returning();
        if (groups) await replaceGrants(tx, existing.id, groups);
        if (disabled && !existing.disabled) await endSessions(tx, existing.id);
        return { user: user! };
      });
    },
  }),
);

const ResetUserPasswordInput = builder.inputType('ResetUserPasswordInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    newPassword: t.string({ required: false, description: 'Generated when left out.' }),
  }),
});

const ResetUserPasswordSuccess = builder
  .objectRef<{ user: UserRow; generatedPassword: string | null }>('ResetUserPasswordSuccess')
  .implement({
    fields: (t) => ({
      user: t.field({ type: UserType, resolve: (result) => result.user }),
      generatedPassword: t.exposeString('generatedPassword', { nullable: true }),
    }),
  });

builder.mutationField('resetUserPassword', (t) =>
  t.field({
    authScopes: { admin: true },
    description: 'Sets a new password and ends the user’s sessions (their API tokens stay).',
    type: resultUnion('ResetUserPasswordResult', ResetUserPasswordSuccess),
    args: { input: t.arg({ type: ResetUserPasswordInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ user: UserRow; generatedPassword: string | null } | Failure> => {
      const existing = await findUser(ctx.db, input.id);
      if (!existing) return new NotFound(`user ${input.id} does not exist`);
      const weak = input.newPassword == null ? null : checkPasswordStrength('newPassword', input.newPassword);
      if (weak) return weak;
      const generatedPassword = input.newPassword == null ? generatePassword() : null;
      const passwordHash = await ctx.passwords.hash(input.newPassword ?? generatedPassword!);
      const user = await ctx.db.transaction(async (tx) => {
        const [updated] = await tx
          .update(users)
          .set({ passwordHash, updatedAt: new Date() })
          .where(eq(users.id, existing.id))
          .returning();
        await endSessions(tx, existing.id);
        return updated!;
      });
      return { user, generatedPassword };
    },
  }),
);

const DeleteUserInput = builder.inputType('DeleteUserInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

builder.mutationField('deleteUser', (t) =>
  t.field({
    authScopes: { admin: true },
    description: 'Deletes the user with their grants and tokens; audit rows keep their name.',
    type: resultUnion('DeleteUserResult', deleteSuccess('DeleteUserSuccess'), [[LastAdmin, LastAdminErrorType]]),
    args: { input: t.arg({ type: DeleteUserInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ deletedId: string } | Failure | LastAdmin> => {
      const viewer = requireViewer(ctx.viewer);
      const existing = await findUser(ctx.db, input.id);
      if (!existing) return new NotFound(`user ${input.id} does not exist`);
      if (existing.id === viewer.userId) return new ValidationFailure('id', 'you cannot delete yourself');
      return ctx.db.transaction(async (tx) => {
        if (await isLastAdmin(tx, existing.id))
          return new LastAdmin(`"${existing.username}" is the last enabled administrator`);
        await tx.delete(users).where(eq(users.id, existing.id));
        return { deletedId: existing.id };
      });
    },
  }),
);

async function findUser(db: Database, id: string): Promise<UserRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [user] = await db.select().from(users).where(eq(users.id, id));
  return user;
}

/** Locks the enabled admins' rows, so two concurrent demotions cannot both pass the check. */
async function isLastAdmin(tx: Transaction, userId: string): Promise<boolean> {
  const admins = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.disabled, false)))
    .for('update');
  return admins.some((admin) => admin.id === userId) && admins.length === 1;
}

async function replaceGrants(tx: Transaction, userId: string, deviceGroupIds: string[]) {
  await tx.delete(userGrants).where(eq(userGrants.userId, userId));
  if (deviceGroupIds.length > 0)
    await tx.insert(userGrants).values(deviceGroupIds.map((deviceGroupId) => ({ userId, deviceGroupId })));
}

async function endSessions(tx: Transaction, userId: string) {
  await tx
    .update(authTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(authTokens.userId, userId), eq(authTokens.kind, 'session')));
}

async function checkGroups(db: Database, ids: readonly string[]): Promise<string[] | NotFound | ValidationFailure> {
  const unique = [...new Set(ids)];
  if (unique.some((id) => !isUuid(id))) return new ValidationFailure('deviceGroupIds', 'not a valid device group id');
  if (unique.length === 0) return [];
  const found = await db.select({ id: deviceGroups.id }).from(deviceGroups).where(inArray(deviceGroups.id, unique));
  const missing = unique.find((id) => !found.some((row) => row.id === id));
  return missing ? new NotFound(`device group ${missing} does not exist`) : unique;
}
