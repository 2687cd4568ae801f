import { eq } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { Database } from '../db/database.js';
import { type CredentialRow, credentials, deviceGroups } from '../db/tables.js';
import { isUuid, NotFound, ValidationFailure } from '../errors.js';
import { type Failure, resultUnion } from '../results.js';
import { checkName, firstFailure } from '../validation.js';

export async function deviceGroupExists(db: Database, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const [group] = await db.select({ id: deviceGroups.id }).from(deviceGroups).where(eq(deviceGroups.id, id));
  return group !== undefined;
}

/** The secret is write-only: no field exposes it, ciphertext included. */
export const CredentialType = builder.objectRef<CredentialRow>('Credential').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    username: t.exposeString('username'),
    hasEnableSecret: t.boolean({ resolve: (row) => row.enableSecretCiphertext !== null }),
    deviceGroupId: t.exposeID('deviceGroupId', {
      nullable: true,
      description: 'Operators of this device group may attach the credential to their devices; null: admins only.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const CreateCredentialInput = builder.inputType('CreateCredentialInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    username: t.string({ required: true }),
    secret: t.string({ required: true }),
    enableSecret: t.string({ required: false }),
    deviceGroupId: t.id({ required: false, description: 'Lets operators of this group use it; omit for admins only.' }),
  }),
});

const CreateCredentialSuccess = builder.objectRef<{ credential: CredentialRow }>('CreateCredentialSuccess').implement({
  fields: (t) => ({ credential: t.field({ type: CredentialType, resolve: (result) => result.credential }) }),
});

builder.mutationField('createCredential', (t) =>
  t.field({
    authScopes: { admin: true },
    type: resultUnion('CreateCredentialResult', CreateCredentialSuccess),
    args: { input: t.arg({ type: CreateCredentialInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ credential: CredentialRow } | Failure> => {
      const failure = firstFailure(
        checkName('name', input.name),
        checkName('username', input.username),
        input.secret.length === 0 ? new ValidationFailure('secret', 'secret must not be empty') : null,
      );
      if (failure) return failure;
      const name = input.name.trim();
      const [existing] = await ctx.db
        .select({ id: credentials.id })
        .from(credentials)
        .where(eq(credentials.name, name));
      if (existing) return new ValidationFailure('name', `a credential named "${name}" already exists`);
      if (input.deviceGroupId && !(await deviceGroupExists(ctx.db, input.deviceGroupId))) {
        return new NotFound(`device group ${input.deviceGroupId} does not exist`);
      }
      const [credential] = await ctx.db
        .insert(credentials)
        .values({
          name,
          username: input.username.trim(),
          secretCiphertext: ctx.secrets.encrypt(input.secret),
          enableSecretCiphertext: input.enableSecret ? ctx.secrets.encrypt(input.enableSecret) : null,
          deviceGroupId: input.deviceGroupId ?? null,
        })
        .returning();
      return { credential: credential! };
    },
  }),
);
