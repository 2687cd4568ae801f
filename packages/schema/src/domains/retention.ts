/**
 * Retention policies: keep the last N versions, versions of the last D days, at most B distinct stored bytes
 * per device; set limits combine. The newest version always survives. The pruner (apps/server
 * jobs/pruner.ts) enforces them on a schedule and after backups; on git locations it prunes version rows
 * only and the repository keeps its history.
 */
import { and, eq, ne } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { Database } from '../db/database.js';
import { type RetentionPolicyRow, retentionPolicies } from '../db/tables.js';
import { isUuid, NotFound, ValidationFailure } from '../errors.js';
import { type Failure, resultUnion } from '../results.js';
import { checkName, firstFailure } from '../validation.js';

export const RetentionPolicyType = builder.objectRef<RetentionPolicyRow>('RetentionPolicy').implement({
  description: 'Which versions to keep; null limits are unlimited, set ones combine. The newest always stays.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    keepLast: t.exposeInt('keepLast', { nullable: true, description: 'Keep the newest N versions.' }),
    keepDays: t.exposeInt('keepDays', { nullable: true, description: 'Keep versions of the last D days.' }),
    maxBytes: t.exposeFloat('maxBytes', {
      nullable: true,
      description: 'Keep the newest versions whose distinct stored bytes add up to at most B.',
    }),
    isDefault: t.exposeBoolean('isDefault'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('retentionPolicies', (t) =>
  t.field({
    type: [RetentionPolicyType],
    resolve: (_root, _args, ctx) => ctx.db.select().from(retentionPolicies).orderBy(retentionPolicies.name),
  }),
);

const CreateRetentionPolicyInput = builder.inputType('CreateRetentionPolicyInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    keepLast: t.int({ required: false }),
    keepDays: t.int({ required: false }),
    maxBytes: t.float({ required: false }),
    isDefault: t.boolean({ required: false, description: 'Applies to devices with no policy of their own or group.' }),
  }),
});

const CreateRetentionPolicySuccess = builder
  .objectRef<{ retentionPolicy: RetentionPolicyRow }>('CreateRetentionPolicySuccess')
  .implement({
    fields: (t) => ({ retentionPolicy: t.field({ type: RetentionPolicyType, resolve: (r) => r.retentionPolicy }) }),
  });

type RetentionLimits = { keepLast?: number | null; keepDays?: number | null; maxBytes?: number | null };

/** One check for create and update: the same fields get the same typed ValidationError. */
function checkPolicy(input: RetentionLimits & { name?: string | null }): Failure | null {
  const positive = (field: keyof RetentionLimits) => {
    const value = input[field];
    return value != null && (!Number.isSafeInteger(value) || value < 1)
      ? new ValidationFailure(field, `${field} must be a positive whole number`)
      : null;
  };
  return firstFailure(
    input.name == null ? null : checkName('name', input.name),
    positive('keepLast'),
    positive('keepDays'),
    positive('maxBytes'),
  );
}

async function nameTaken(db: Database, name: string, exceptId?: string): Promise<boolean> {
  const [row] = await db
    .select({ id: retentionPolicies.id })
    .from(retentionPolicies)
    .where(and(eq(retentionPolicies.name, name), exceptId ? ne(retentionPolicies.id, exceptId) : undefined));
  return row !== undefined;
}

export async function createRetentionPolicy(
  db: Database,
  input: {
    name: string;
    keepLast?: number | null;
    keepDays?: number | null;
    maxBytes?: number | null;
    isDefault?: boolean | null;
  },
): Promise<{ retentionPolicy: RetentionPolicyRow } | Failure> {
  const failure = checkPolicy(input);
  if (failure) return failure;
  const name = input.name.trim();
  if (await nameTaken(db, name))
    return new ValidationFailure('name', `a retention policy named "${name}" already exists`);
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(retentionPolicies)
      .values({
        name,
        keepLast: input.keepLast ?? null,
        keepDays: input.keepDays ?? null,
        maxBytes: input.maxBytes ?? null,
        isDefault: input.isDefault ?? false,
      })
      .returning();
    if (input.isDefault)
      await tx.update(retentionPolicies).set({ isDefault: false }).where(ne(retentionPolicies.id, created!.id));
    return created!;
  });
  return { retentionPolicy: row };
}

builder.mutationField('createRetentionPolicy', (t) =>
  t.field({
    type: resultUnion('CreateRetentionPolicyResult', CreateRetentionPolicySuccess),
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateRetentionPolicyInput, required: true }) },
    resolve: (_root, { input }, ctx) => createRetentionPolicy(ctx.db, input),
  }),
);

const UpdateRetentionPolicyInput = builder.inputType('UpdateRetentionPolicyInput', {
  description:
    'Fields left out stay as they are; `keepLast`, `keepDays` and `maxBytes` set to null become unlimited. ' +
    '`isDefault: true` takes the default from the policy that had it.',
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ required: false }),
    keepLast: t.int({ required: false }),
    keepDays: t.int({ required: false }),
    maxBytes: t.float({ required: false }),
    isDefault: t.boolean({ required: false }),
  }),
});

const UpdateRetentionPolicySuccess = builder
  .objectRef<{ retentionPolicy: RetentionPolicyRow }>('UpdateRetentionPolicySuccess')
  .implement({
    fields: (t) => ({ retentionPolicy: t.field({ type: RetentionPolicyType, resolve: (r) => r.retentionPolicy }) }),
  });

export async function updateRetentionPolicy(
  db: Database,
  input: RetentionLimits & { id: string; name?: string | null; isDefault?: boolean | null },
): Promise<{ retentionPolicy: RetentionPolicyRow } | Failure> {
  const [existing] = isUuid(input.id)
    ? await db.select().from(retentionPolicies).where(eq(retentionPolicies.id, input.id))
    : [];
  if (!existing) return new NotFound(`retention policy ${input.id} does not exist`);
  const failure = checkPolicy(input);
  if (failure) return failure;
  const name = input.name?.trim() ?? existing.name;
  if (await nameTaken(db, name, existing.id))
    return new ValidationFailure('name', `a retention policy named "${name}" already exists`);
  // undefined keeps the stored limit; null clears it (unlimited).
  const limit = (field: keyof RetentionLimits) => (input[field] === undefined ? existing[field] : input[field]);
  const row = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(retentionPolicies)
      .set({
        name,
        keepLast: limit('keepLast'),
        keepDays: limit('keepDays'),
        maxBytes: limit('maxBytes'),
        isDefault: input.isDefault ?? existing.isDefault,
      })
      .where(eq(retentionPolicies.id, existing.id))
      .returning();
    if (input.isDefault)
      await tx.update(retentionPolicies).set({ isDefault: false }).where(ne(retentionPolicies.id, existing.id));
    return updated!;
  });
  return { retentionPolicy: row };
}

builder.mutationField('updateRetentionPolicy', (t) =>
  t.field({
    type: resultUnion('UpdateRetentionPolicyResult', UpdateRetentionPolicySuccess),
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateRetentionPolicyInput, required: true }) },
    resolve: (_root, { input }, ctx) => updateRetentionPolicy(ctx.db, input),
  }),
);
