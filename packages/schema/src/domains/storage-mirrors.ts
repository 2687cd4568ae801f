/**
 * Remote mirrors of git storage locations (issue 14): `setStorageMirror` (administrators) sets where a git
 * location pushes, with an HTTPS token or an SSH private key stored encrypted and never returned; each
 * StorageLocation shows its push health (last success, last error). Pushing: apps/server storage/git-mirror.ts.
 */
import { eq } from 'drizzle-orm';
import { builder } from '../builder.js';
import { type StorageLocationRow, storageLocations } from '../db/tables.js';
import { NotFound, ValidationFailure } from '../errors.js';
import { type Failure, resultUnion } from '../results.js';
import { StorageLocationType } from './storage-locations.js';

builder.objectFields(StorageLocationType, (t) => ({
  mirrorUrl: t.exposeString('mirrorUrl', { nullable: true, description: 'The remote a git location pushes to.' }),
  mirrorBranch: t.exposeString('mirrorBranch', { nullable: true }),
  hasMirrorSecret: t.boolean({
    description: 'A token or SSH key is stored for the mirror (encrypted; never returned).',
    resolve: (location) => location.mirrorSecretCiphertext !== null,
  }),
  lastPushAt: t.expose('lastPushAt', { type: 'DateTime', nullable: true, description: 'Last successful push.' }),
  lastPushError: t.exposeString('lastPushError', {
    nullable: true,
    description: 'Why the last push failed (cleared by the next success); pushes are retried with backoff.',
  }),
  lastPushErrorAt: t.expose('lastPushErrorAt', { type: 'DateTime', nullable: true }),
}));

const SetStorageMirrorInput = builder.inputType('SetStorageMirrorInput', {
  fields: (t) => ({
    id: t.id({ required: true, description: 'A git storage location.' }),
    url: t.string({
      required: false,
      description: 'https://, ssh://, git:// or user@host:path; null removes the mirror. No credentials in it.',
    }),
    branch: t.string({ required: false, description: 'Remote branch (default: the location’s own branch).' }),
    token: t.string({ required: false, description: 'HTTPS token (sent as an Authorization header).' }),
    sshPrivateKey: t.string({ required: false, description: 'An OpenSSH private key (ed25519 or ECDSA).' }),
  }),
});

const SetStorageMirrorSuccess = builder
  .objectRef<{ storageLocation: StorageLocationRow }>('SetStorageMirrorSuccess')
  .implement({
    fields: (t) => ({ storageLocation: t.field({ type: StorageLocationType, resolve: (r) => r.storageLocation }) }),
  });

const scpLike = /^[\w.-]+@([\w.-]+):[^/]/;

/** `field` names the input field that holds the URL (`url` here, `mirrorUrl` in updateStorageLocation). */
export function checkMirrorUrl(url: string, field = 'url'): ValidationFailure | null {
  if (scpLike.test(url) && !url.includes('://')) return null; // scp-like SSH
  try {
    const parsed = new URL(url);
    if (!['https:', 'http:', 'ssh:', 'git:'].includes(parsed.protocol))
      return new ValidationFailure(field, `${field} must be https://, ssh://, git:// or user@host:path`);
    if (parsed.password || (parsed.protocol.startsWith('http') && parsed.username))
      return new ValidationFailure(field, 'put the credential in token, not in the URL (URLs are shown)');
    return null;
  } catch {
    return new ValidationFailure(field, `${field} must be https://, ssh://, git:// or user@host:path`);
  }
}

/** The host a mirror URL sends its credential to (host:port for URLs, host for scp-like), for comparing. */
export function mirrorHost(url: string): string {
  const scp = !url.includes('://') ? scpLike.exec(url) : null;
  if (scp) return scp[1]!.toLowerCase();
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}

export function checkKey(key: string, field = 'sshPrivateKey'): ValidationFailure | null {
  if (!/-----BEGIN OPENSSH PRIVATE KEY-----[\s\S]+-----END OPENSSH PRIVATE KEY-----/.test(key))
    return new ValidationFailure(field, 'an OpenSSH private key (ssh-keygen -t ed25519) is expected');
  return null;
}

builder.mutationField('setStorageMirror', (t) =>
  t.field({
    type: resultUnion('SetStorageMirrorResult', SetStorageMirrorSuccess),
    authScopes: { admin: true },
    description: 'Sets (or with a null url removes) the remote a git location mirrors to, and pushes to it now.',
    args: { input: t.arg({ type: SetStorageMirrorInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ storageLocation: StorageLocationRow } | Failure> => {
      const id = String(input.id);
      const [location] = /^[0-9a-f-]{36}$/i.test(id)
        ? await ctx.db.select().from(storageLocations).where(eq(storageLocations.id, id))
        : [];
      if (!location) return new NotFound(`storage location ${id} does not exist`);
      if (location.kind !== 'git') return new ValidationFailure('id', 'only git locations can mirror to a remote');
      const url = input.url?.trim() || null;
      const failed = (url ? checkMirrorUrl(url) : null) ?? (input.sshPrivateKey ? checkKey(input.sshPrivateKey) : null);
      if (failed) return failed;
      if (input.token && input.sshPrivateKey)
        return new ValidationFailure('token', 'give a token (HTTPS) or an SSH key, not both');
      const secret = input.token
        ? { token: input.token }
        : input.sshPrivateKey
          ? { sshPrivateKey: input.sshPrivateKey }
          : null;
      const [row] = await ctx.db
        .update(storageLocations)
        .set({
          mirrorUrl: url,
          mirrorBranch: url ? input.branch?.trim() || null : null,
          mirrorSecretCiphertext: url && secret ? ctx.secrets.encrypt(JSON.stringify(secret)) : null,
          lastPushAt: null,
          lastPushError: null,
          lastPushErrorAt: null,
        })
        .where(eq(storageLocations.id, location.id))
        .returning();
      if (url) ctx.gitMirrors.pushSoon(location.id);
      return { storageLocation: row! };
    },
  }),
);
