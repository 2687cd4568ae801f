/**
 * Who is calling: the same answer for HTTP (Authorization header or session cookie), graphql-ws
 * (connection params or the upgrade request's cookie) and the download route.
 */
import type { Database } from '@devicevault/schema/db/database';
import { authTokens, userGrants, users } from '@devicevault/schema/db/tables';
import type { Viewer } from '@devicevault/schema/policy';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { hashToken } from './tokens.js';

export const sessionCookieName = 'dv_session';

export interface Credentials {
  authorization?: string | null;
  cookie?: string | null;
}

/** Picks the presented token: an explicit Bearer header wins over the cookie. */
export function presentedToken({ authorization, cookie }: Credentials): string | null {
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) return bearer;
  if (!cookie) return null;
  return parseCookies(cookie)[sessionCookieName] || null;
}

export async function resolveViewer(db: Database, token: string | null): Promise<Viewer | null> {
  if (!token || token.length > 200) return null;
  const now = new Date();
  // One round trip: the token, its user and the user's grants (aggregated) together.
  const [row] = await db
    .select({
      token: authTokens,
      user: users,
      deviceGroupIds: sql<string[]>`coalesce((
        select array_agg(${userGrants.deviceGroupId}::text) from ${userGrants} where ${userGrants.userId} = ${users.id}
      ), '{}')`,
    })
    .from(authTokens)
    .innerJoin(users, eq(users.id, authTokens.userId))
    .where(
      and(
        eq(authTokens.tokenHash, hashToken(token)),
        isNull(authTokens.revokedAt),
        or(isNull(authTokens.expiresAt), gt(authTokens.expiresAt, now)),
        eq(users.disabled, false),
      ),
    );
  if (!row) return null;
  // Touching last_used_at at most once a minute keeps busy API clients from writing on every request.
  if (!row.token.lastUsedAt || now.getTime() - row.token.lastUsedAt.getTime() > 60_000) {
    await db.update(authTokens).set({ lastUsedAt: now }).where(eq(authTokens.id, row.token.id));
  }
  return {
    userId: row.user.id,
    username: row.user.username,
    role: row.user.role,
    deviceGroupIds: new Set(row.deviceGroupIds),
    via: row.token.kind,
    tokenId: row.token.id,
  };
}

export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return serializeCookie(sessionCookieName, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    expires: expiresAt,
    secure,
  });
}

export function clearedSessionCookie(): string {
  return serializeCookie(sessionCookieName, '', { path: '/', httpOnly: true, sameSite: 'lax', expires: new Date(0) });
}
