import { eq } from 'drizzle-orm';
import { builder } from '../builder.js';
import { type CredentialRow, credentials } from '../db/tables.js';
import { ValidationFailure } from '../errors.js';
import { type Failure, resultUnion } from '../results.js';
import { checkName, firstFailure } from '../validation.js';

/** The secret is write-only: no field exposes it, ciphertext included. */
export const CredentialType = builder.objectRef<CredentialRow>('Credential').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    username: t.exposeString('username'),
    hasEnableSecret: t.boolean({ resolve: (row) => row.enableSecretCiphertext !== null }),
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
      const [credential] = await ctx.db
        .insert(credentials)
        .values({
          name,
          username: input.username.trim(),
          secretCiphertext: ctx.secrets.encrypt(input.secret),
          enableSecretCiphertext: input.enableSecret ? ctx.secrets.encrypt(input.enableSecret) : null,
        })
        .returning();
      return { credential: credential! };
    },
  }),
);
