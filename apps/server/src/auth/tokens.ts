/**
 * Session and API tokens: 32 random bytes, shown once; only their sha256 is stored (they carry full
 * entropy, so a slow hash adds nothing). The prefix tells the kind at a glance in logs and UIs.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { TokensPort } from '@devicevault/schema/context';
import type { Database } from '@devicevault/schema/db/database';
import { authTokens } from '@devicevault/schema/db/tables';

const prefixes = { session: 'dvs_', api: 'dvt_' } as const;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createTokens(db: Database): TokensPort {
  return {
    async issue({ userId, kind, name = '', expiresAt }) {
      const token = `${prefixes[kind]}${randomBytes(32).toString('base64url')}`;
      const [row] = await db
        .insert(authTokens)
        .values({ userId, kind, name, tokenHash: hashToken(token), prefix: token.slice(0, 10), expiresAt })
        .returning();
      return { token, row: row! };
    },
  };
}
