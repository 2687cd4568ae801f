/**
 * `updateStorageLocation` (administrators): rename a location, make it the default, change its mirror, and —
 * only while it holds no version — its kind or path. A version row records its location id, kind and ref,
 * never the path, so moving the root of a location that holds versions would orphan them (reads would look
 * in the new directory); that is refused with a ValidationError naming the field. To move stored versions,
 * create a new location and point devices at it: existing versions stay readable where they are.
 * The mirror secret is write-only: left out it is kept, given it is sealed anew; a mirror that moves to
 * another host must be given its secret again (or have it removed), so a stored token never follows a URL
 * to a host it was not issued for.
 */
import { and, count, eq, ne } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { backups, type StorageLocationRow, storageLocations } from '../db/tables.js';
import { isUuid, NotFound, ValidationFailure } from '../errors.js';
import { type Failure, resultUnion } from '../results.js';
import { checkName, firstFailure } from '../validation.js';
import { StorageKindEnum, StorageLocationType } from './storage-locations.js';
import { checkKey, checkMirrorUrl, mirrorHost } from './storage-mirrors.js';

const UpdateStorageLocationInput = builder.inputType('UpdateStorageLocationInput', {
  description:
    'Fields left out stay as they are. `kind` and `path` may change only while no version is stored in the ' +
    'location. `mirrorToken` / `mirrorSshPrivateKey` are write-only: left out, the stored one is kept.',
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ required: false }),
    kind: t.field({ type: StorageKindEnum, required: false, description: 'Only while no version is stored.' }),
    path: t.string({ required: false, description: 'Absolute, or relative to the data dir; only while empty.' }),
    isDefault: t.boolean({ required: false, description: 'true takes the default from the location that had it.' }),
    mirrorUrl: t.string({
      required: false,
      description: 'Git locations: the remote to push to; null or "" removes the mirror and its secret.',
    }),
    mirrorBranch: t.string({ required: false, description: 'Remote branch; null or "": the location’s own.' }),
    mirrorToken: t.string({ required: false, description: 'Replaces the stored secret with an HTTPS token.' }),
    mirrorSshPrivateKey: t.string({ required: false, description: 'Replaces the stored secret with an SSH key.' }),
    removeMirrorSecret: t.boolean({ required: false, description: 'Removes the stored token or key.' }),
  }),
});

const UpdateStorageLocationSuccess = builder
  .objectRef<{ storageLocation: StorageLocationRow }>('UpdateStorageLocationSuccess')
  .implement({
    fields: (t) => ({ storageLocation: t.field({ type: StorageLocationType, resolve: (r) => r.storageLocation }) }),
  });

type UpdateStorageLocation = {
  id: string;
  name?: string | null;
  kind?: 'fs' | 'git' | null;
  path?: string | null;
  isDefault?: boolean | null;
  mirrorUrl?: string | null;
  mirrorBranch?: string | null;
  mirrorToken?: string | null;
  mirrorSshPrivateKey?: string | null;
  removeMirrorSecret?: boolean | null;
};

export async function updateStorageLocation(
  ctx: Pick<Context, 'db' | 'secrets' | 'gitMirrors'>,
  input: UpdateStorageLocation,
): Promise<{ storageLocation: StorageLocationRow } | Failure> {
  const { db } = ctx;
  const [existing] = isUuid(input.id)
    ? await db.select().from(storageLocations).where(eq(storageLocations.id, input.id))
    : [];
  if (!existing) return new NotFound(`storage location ${input.id} does not exist`);

  const name = input.name?.trim() ?? existing.name;
  const path = input.path?.trim() ?? existing.path;
  const kind = input.kind ?? existing.kind;
  const failure = firstFailure(
    input.name != null ? checkName('name', input.name) : null,
    path.length === 0 ? new ValidationFailure('path', 'path must not be empty') : null,
    path.includes('\0') ? new ValidationFailure('path', 'path must not contain NUL') : null,
  );
  if (failure) return failure;
  const [duplicate] = await db
    .select({ id: storageLocations.id })
    .from(storageLocations)
    .where(and(eq(storageLocations.name, name), ne(storageLocations.id, existing.id)));
  if (duplicate) return new ValidationFailure('name', `a storage location named "${name}" already exists`);

  const moved = (['kind', 'path'] as const).find((field) => (field === 'kind' ? kind : path) !== existing[field]);
  if (moved) {
    const [stored] = await db.select({ n: count() }).from(backups).where(eq(backups.storageLocationId, existing.id));
    const versions = stored?.n ?? 0;
    if (versions > 0)
      return new ValidationFailure(
        moved,
        `${existing.name} holds ${versions} ${versions === 1 ? 'version' : 'versions'}: its ${moved} cannot change ` +
          'without orphaning them; create a new location and point devices at it instead',
      );
  }

  const mirror = nextMirror(existing, kind, input);
  if (mirror instanceof ValidationFailure) return mirror;
  const secret = input.mirrorToken
    ? { token: input.mirrorToken }
    : input.mirrorSshPrivateKey
      ? { sshPrivateKey: input.mirrorSshPrivateKey }
      : null;
  const mirrorSecretCiphertext = !mirror.url
    ? null
    : secret
      ? ctx.secrets.encrypt(JSON.stringify(secret))
      : input.removeMirrorSecret
        ? null
        : existing.mirrorSecretCiphertext;
  const mirrorChanged =
    mirror.url !== existing.mirrorUrl ||
    mirror.branch !== existing.mirrorBranch ||
    mirrorSecretCiphertext !== existing.mirrorSecretCiphertext;

  const row = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(storageLocations)
      .set({
        name,
        kind,
        path,
        isDefault: input.isDefault ?? existing.isDefault,
        mirrorUrl: mirror.url,
        mirrorBranch: mirror.branch,
        mirrorSecretCiphertext,
        // A changed mirror starts its push health afresh, as setStorageMirror does.
        ...(mirrorChanged ? { lastPushAt: null, lastPushError: null, lastPushErrorAt: null } : {}),
      })
      .where(eq(storageLocations.id, existing.id))
      .returning();
    if (input.isDefault)
      await tx.update(storageLocations).set({ isDefault: false }).where(ne(storageLocations.id, existing.id));
    return updated!;
  });
  if (mirrorChanged && row.mirrorUrl) ctx.gitMirrors.pushSoon(row.id);
  return { storageLocation: row };
}

/** The mirror URL and branch after the update, or why the mirror settings given can't apply. */
function nextMirror(
  existing: StorageLocationRow,
  kind: 'fs' | 'git',
  input: UpdateStorageLocation,
): { url: string | null; branch: string | null } | ValidationFailure {
  const url = input.mirrorUrl === undefined ? existing.mirrorUrl : input.mirrorUrl?.trim() || null;
  const branch = input.mirrorBranch === undefined ? existing.mirrorBranch : input.mirrorBranch?.trim() || null;
  const newSecret = Boolean(input.mirrorToken || input.mirrorSshPrivateKey);
  const failure = firstFailure(
    url && kind !== 'git'
      ? input.mirrorUrl
        ? new ValidationFailure('mirrorUrl', 'only git locations can mirror to a remote')
        : new ValidationFailure('kind', 'a location with a mirror stays git: remove the mirror first')
      : null,
    url && input.mirrorUrl !== undefined ? checkMirrorUrl(url, 'mirrorUrl') : null,
    input.mirrorToken && input.mirrorSshPrivateKey
      ? new ValidationFailure('mirrorToken', 'give a token (HTTPS) or an SSH key, not both')
      : null,
    input.mirrorSshPrivateKey ? checkKey(input.mirrorSshPrivateKey, 'mirrorSshPrivateKey') : null,
    newSecret && !url ? new ValidationFailure('mirrorUrl', 'a token or key needs a mirror url') : null,
    url &&
      existing.mirrorUrl &&
      existing.mirrorSecretCiphertext &&
      !newSecret &&
      !input.removeMirrorSecret &&
      mirrorHost(url) !== mirrorHost(existing.mirrorUrl)
      ? new ValidationFailure(
          'mirrorUrl',
          'the mirror moves to another host: give its token or SSH key again, or remove the stored one',
        )
      : null,
  );
  if (failure) return failure;
  return { url, branch: url ? branch : null };
}

builder.mutationField('updateStorageLocation', (t) =>
  t.field({
    type: resultUnion('UpdateStorageLocationResult', UpdateStorageLocationSuccess),
    authScopes: { admin: true },
    description:
      'Renames a storage location, makes it the default, or changes its mirror; its kind and path only while ' +
      'it holds no version. Mirror secrets stay unless replaced or removed.',
    args: { input: t.arg({ type: UpdateStorageLocationInput, required: true }) },
    resolve: (_root, { input }, ctx) => updateStorageLocation(ctx, { ...input, id: String(input.id) }),
  }),
);
