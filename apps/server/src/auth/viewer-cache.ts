/**
 * Who a token belongs to, kept for a few seconds so a request does not pay a database round trip for it
 * (issue 13: `{ __typename }` p95 was 12–14 ms). Revocation still holds: a change that can revoke or narrow
 * an identity (token revoked or expired, user disabled, renamed or re-roled, grants changed) fires a
 * PostgreSQL notification from triggers (migration 0010) and every process drops its whole cache at once;
 * the short lifetime bounds what a lost notification could leave.
 */
import type { Viewer } from '@devicevault/schema/policy';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { hashToken } from './tokens.js';

export interface ViewerCache {
  resolve(token: string | null): Promise<Viewer | null>;
  /** Forgets every cached identity (an auth change was notified, or the notification channel reconnected). */
  clear(): void;
}

// Entries at most; the oldest go first.
const maxEntries = 10_000;

export function createViewerCache(
  resolveViewer: (token: string | null) => Promise<Viewer | null>,
  ttlMs: number,
  now: () => number = Date.now,
): ViewerCache {
  const entries = new Map<string, { viewer: Viewer; at: number }>();
  // Bumped by clear(): a lookup that started before a clear never caches its (possibly stale) answer.
  let epoch = 0;
  return {
    async resolve(token) {
      if (!token || token.length > 200) return null;
      const key = hashToken(token);
      const cached = entries.get(key);
      if (cached && now() - cached.at < ttlMs) return cached.viewer;
      const started = { at: now(), epoch };
      const viewer = await resolveViewer(token);
      // Unknown tokens are not kept: a guessed token must not push out real ones.
      if (viewer && started.epoch === epoch) {
        entries.delete(key);
        entries.set(key, { viewer, at: started.at });
        if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      }
      return viewer;
    },
    clear() {
      epoch += 1;
      entries.clear();
    },
  };
}

/**
 * Clears the cache once any mutation run by this process has finished, before its answer leaves: a client
 * that revoked a token or disabled a user here is never answered from this process's cache afterwards, even
 * before the database's notification arrives. (Mutations are rare beside reads; most change no identity.)
 */
export function useViewerCacheClearedByMutations(cache: ViewerCache): Plugin {
  return {
    onExecute({ args }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      return { onExecuteDone: () => cache.clear() };
    },
  };
}
