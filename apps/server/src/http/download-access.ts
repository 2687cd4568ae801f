/**
 * The download route's access check. A signed URL is a short-lived capability bound to the user it was
 * issued to: it works without headers (a browser link, `curl "$url"`), but
 * - presented with another user's session cookie or bearer token it is refused, and
 * - it stops working as soon as its user is disabled or loses read access to the device's group.
 * URLs issued to nobody (no `uid`) are refused: the API only issues them to signed-in users.
 */
import type { IncomingMessage } from 'node:http';
import type { Database } from '@devicevault/schema/db/database';
import { devices, userGrants, users } from '@devicevault/schema/db/tables';
import { canReadDevice, type Viewer } from '@devicevault/schema/policy';
import { eq } from 'drizzle-orm';
import { presentedToken, resolveViewer } from '../auth/identity.js';
import type { AuthorizeDownload } from './downloads.js';

export function createDownloadAccess(db: Database): AuthorizeDownload {
  return async (request: IncomingMessage, userId, backup) => {
    if (!userId) return false;
    const owner = await signedUrlHolder(db, request, userId);
    if (!owner) return false;
    const [device] = await db
      .select({ deviceGroupId: devices.deviceGroupId })
      .from(devices)
      .where(eq(devices.id, backup.deviceId));
    return device !== undefined && canReadDevice(owner, device);
  };
}

/**
 * The user a signed URL was issued to, as the policy sees them now; null when they are gone or disabled, or
 * when the request presents another user's cookie or token (also used by the snapshot export).
 */
export async function signedUrlHolder(db: Database, request: IncomingMessage, userId: string): Promise<Viewer | null> {
  const token = presentedToken({
    authorization: request.headers.authorization ?? null,
    cookie: request.headers.cookie ?? null,
  });
  if (token) {
    const presenter = await resolveViewer(db, token);
    if (presenter?.userId !== userId) return null;
  }
  return viewerOfUser(db, userId);
}

/** The URL's user as the policy sees them now, or null when they no longer exist or are disabled. */
async function viewerOfUser(db: Database, userId: string): Promise<Viewer | null> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user || user.disabled) return null;
  const grants = await db
    .select({ deviceGroupId: userGrants.deviceGroupId })
    .from(userGrants)
    .where(eq(userGrants.userId, userId));
  return {
    userId,
    username: user.username,
    role: user.role,
    deviceGroupIds: new Set(grants.map((grant) => grant.deviceGroupId)),
    // Not a request: the URL itself is the credential.
    via: 'api',
    tokenId: '',
  };
}
