/**
 * The restorable original of a scrubbed version over the signed download route (`&variant=original`): only
 * for a URL issued to a user who is an administrator now (viewers and operators get 403 even with a valid
 * URL), decrypted while streaming, never cached; each attempt is audited as `backup.original.download`.
 * Range requests get the whole original (RFC 9110 lets a server ignore Range): the GCM tag sits at the end.
 */
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Database } from '@devicevault/schema/db/database';
import { type BackupOriginalRow, type BackupRow, backupOriginals, users } from '@devicevault/schema/db/tables';
import { eq } from 'drizzle-orm';
import type { SecretBox } from '../secrets/secret-box.js';
import { readOriginal } from '../storage/original-store.js';
import type { StorageRegistry } from '../storage/storage-registry.js';

export interface OriginalDownloadDeps {
  db: Database;
  storage: StorageRegistry;
  secrets: SecretBox;
}

/** The URL's user may fetch originals: an enabled administrator. */
export async function mayDownloadOriginal(db: Database, userId: string | null): Promise<boolean> {
  if (!userId) return false;
  const [user] = await db
    .select({ role: users.role, disabled: users.disabled })
    .from(users)
    .where(eq(users.id, userId));
  return user?.role === 'admin' && !user.disabled;
}

export async function findOriginal(db: Database, backupId: string): Promise<BackupOriginalRow | undefined> {
  const [row] = await db.select().from(backupOriginals).where(eq(backupOriginals.backupId, backupId));
  return row;
}

export async function sendOriginal(
  deps: OriginalDownloadDeps,
  response: ServerResponse,
  method: string,
  deviceName: string,
  backup: BackupRow,
  original: BackupOriginalRow,
): Promise<void> {
  response.statusCode = 200;
  response.setHeader('Cache-Control', 'private, no-store');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.setHeader('Content-Length', String(original.size));
  const stamp = backup.createdAt
    .toISOString()
    .replace(/[:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const name = `${deviceName}-${stamp}.original.txt`;
  const ascii = name.replace(/[^A-Za-z0-9._-]/g, '_');
  response.setHeader(
    'Content-Disposition',
    `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
  );
  if (method === 'HEAD' || original.size === 0) {
    response.end();
    return;
  }
  await pipeline(await readOriginal(deps, original), response);
}
