/**
 * Open subscriptions re-read their caller every few seconds. Shared by token across every connection: a
 * thousand subscribers signed in with one token re-check with one query, not a thousand at the same instant.
 * An answer carries the time it was read, so no caller's view gets older than `maxAgeMs`.
 */
import type { Viewer } from '@devicevault/schema/policy';

export function createViewerRecheck(resolve: (token: string | null) => Promise<Viewer | null>, maxAgeMs: number) {
  const entries = new Map<string, { at: number; viewer: Promise<Viewer | null> }>();
  return function recheck(token: string | null): Promise<{ at: number; viewer: Viewer | null }> {
    const key = token ?? '';
    const now = Date.now();
    const entry = entries.get(key);
    if (entry && now - entry.at < maxAgeMs) return entry.viewer.then((viewer) => ({ at: entry.at, viewer }));
    if (entries.size > 10_000) for (const [old, value] of entries) if (now - value.at >= maxAgeMs) entries.delete(old);
    const fresh = { at: now, viewer: resolve(token) };
    entries.set(key, fresh);
    fresh.viewer.catch(() => entries.delete(key));
    return fresh.viewer.then((viewer) => ({ at: fresh.at, viewer }));
  };
}
