/**
 * Listing and changing credentials (creation lives in credentials.ts). Secrets stay write-only: an update
 * may replace (rotate) them but nothing ever returns them. Operators may list them to pick one for a device.
 */
import { and, eq, ilike, inArray, ne, or, sql } from 'drizzle-orm';
import { alphabeticalConnection, containsPattern } from '../alphabetical-pagination.js';
import { builder } from '../builder.js';
import type { Database } from '../db/database.js';
import { type CredentialRow, credentials, devices } from '../db/tables.js';
import { countDevicesUsing, deviceCountLoader } from '../device-counts.js';
import { InUse, InUseErrorType, isUuid, NotFound, ValidationFailure } from '../errors.js';
import type { Viewer } from '../policy.js';
import { canUseCredential } from '../policy.js';
import { deleteSuccess, type Failure, resultUnion } from '../results.js';
import { checkName, firstFailure } from '../validation.js';
import { CredentialType, deviceGroupExists } from './credentials.js';

builder.objectField(CredentialType, 'usedByCount', (t) =>
  t.loadable({
    type: 'Int',
    description: 'How many devices use this credential (in every group, not only the viewer’s).',
    load: deviceCountLoader(devices.credentialId),
    resolve: (credential: CredentialRow) => credential.id,
  }),
);

builder.queryField('credentials', (t) =>
  t.connection({
    type: CredentialType,
    authScopes: { operator: true },
    description: 'Credentials by name (operators and admins). Secrets are never returned.',
    args: { search: t.arg.string({ required: false, description: 'Part of the name or username.' }) },
    resolve: (_root, args, ctx) =>
      alphabeticalConnection(
        args,
        { key: credentials.name, id: credentials.id },
        (page) =>
          ctx.db
            .select()
            .from(credentials)
            .where(
              and(
                usableCredentialsCondition(ctx.viewer),
                args.search
                  ? or(
                      ilike(credentials.name, containsPattern(args.search)),
                      ilike(credentials.username, containsPattern(args.search)),
                    )
                  : undefined,
                page.where,
              ),
            )
            .orderBy(...page.orderBy)
            .limit(page.limit),
        (row) => row.name,
      ),
  }),
);

/** Operators list only the credentials they may attach (scoped to a group they operate); admins list all. */
function usableCredentialsCondition(viewer: Viewer | null) {
  if (viewer?.role === 'admin') return undefined;
  const groups = [...(viewer?.deviceGroupIds ?? [])];
  return groups.length > 0 ? inArray(credentials.deviceGroupId, groups) : sql`false`;
}

builder.queryField('credential', (t) =>
  t.field({
    type: CredentialType,
    nullable: true,
    authScopes: { operator: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const credential = await findCredential(ctx.db, id);
      return credential && canUseCredential(ctx.viewer, credential) ? credential : null;
    },
  }),
);

const UpdateCredentialInput = builder.inputType('UpdateCredentialInput', {
  description:
    'Fields left out stay as they are. Giving `secret` rotates it; `enableSecret: null` (or "") removes the enable secret.',
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ required: false }),
    username: t.string({ required: false }),
    secret: t.string({ required: false }),
    enableSecret: t.string({ required: false }),
    deviceGroupId: t.id({
      required: false,
      description: 'The device group whose operators may use it; null: admins only.',
    }),
  }),
});

const UpdateCredentialSuccess = builder.objectRef<{ credential: CredentialRow }>('UpdateCredentialSuccess').implement({
  fields: (t) => ({ credential: t.field({ type: CredentialType, resolve: (result) => result.credential }) }),
});

builder.mutationField('updateCredential', (t) =>
  t.field({
    authScopes: { admin: true },
    type: resultUnion('UpdateCredentialResult', UpdateCredentialSuccess),
    args: { input: t.arg({ type: UpdateCredentialInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ credential: CredentialRow } | Failure> => {
      const existing = await findCredential(ctx.db, input.id);
      if (!existing) return new NotFound(`credential ${input.id} does not exist`);
      const failure = firstFailure(
        input.name == null ? null : checkName('name', input.name),
        input.username == null ? null : checkName('username', input.username),
        input.secret === '' ? new ValidationFailure('secret', 'secret must not be empty') : null,
      );
      if (failure) return failure;
      const name = input.name?.trim() ?? existing.name;
      if (input.deviceGroupId && !(await deviceGroupExists(ctx.db, input.deviceGroupId))) {
        return new NotFound(`device group ${input.deviceGroupId} does not exist`);
      }
      const [clash] = await ctx.db
        .select({ id: credentials.id })
        .from(credentials)
        .where(and(eq(credentials.name, name), ne(credentials.id, existing.id)));
      if (clash) return new ValidationFailure('name', `a credential named "${name}" already exists`);
      const enableSecretCiphertext =
        input.enableSecret === undefined
          ? existing.enableSecretCiphertext
          : input.enableSecret
            ? ctx.secrets.encrypt(input.enableSecret)
            : null;
      const [credential] = await ctx.db
        .update(credentials)
        .set({
          name,
          username: input.username?.trim() ?? existing.username,
          secretCiphertext: input.secret ? ctx.secrets.encrypt(input.secret) : existing.secretCiphertext,
          enableSecretCiphertext,
          deviceGroupId: input.deviceGroupId === undefined ? existing.deviceGroupId : input.deviceGroupId,
          updatedAt: new Date(),
        })
        .where(eq(credentials.id, existing.id))
        .returning();
      return { credential: credential! };
    },
  }),
);

const DeleteCredentialInput = builder.inputType('DeleteCredentialInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

builder.mutationField('deleteCredential', (t) =>
  t.field({
    authScopes: { admin: true },
    description: 'Refused with InUseError while any device uses the credential.',
    type: resultUnion('DeleteCredentialResult', deleteSuccess('DeleteCredentialSuccess'), [[InUse, InUseErrorType]]),
    args: { input: t.arg({ type: DeleteCredentialInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ deletedId: string } | Failure | InUse> => {
      const existing = await findCredential(ctx.db, input.id);
      if (!existing) return new NotFound(`credential ${input.id} does not exist`);
      const used = await countDevicesUsing(ctx.db, devices.credentialId, existing.id);
      if (used > 0) return new InUse(`credential "${existing.name}" is used by ${used} device(s)`, used);
      await ctx.db.delete(credentials).where(eq(credentials.id, existing.id));
      return { deletedId: existing.id };
    },
  }),
);

async function findCredential(db: Database, id: string): Promise<CredentialRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [credential] = await db.select().from(credentials).where(eq(credentials.id, id));
  return credential;
}
