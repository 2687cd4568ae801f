import type { RateLimitPort } from '@devicevault/schema/context';

/**
 * Failed sign-ins per key (username + address) in a sliding window; in memory, so limits are per process.
 * Five failures in 5 minutes lock that key for the rest of the window.
 */
export function createRateLimit(options: { maxFailures?: number; windowMs?: number } = {}): RateLimitPort {
  const maxFailures = options.maxFailures ?? 5;
  const windowMs = options.windowMs ?? 5 * 60_000;
  const failures = new Map<string, number[]>();

  function recent(key: string, now: number) {
    const kept = (failures.get(key) ?? []).filter((at) => now - at < windowMs);
    if (kept.length === 0) failures.delete(key);
    else failures.set(key, kept);
    return kept;
  }

  return {
    check(key) {
      const now = Date.now();
      const attempts = recent(key, now);
      if (attempts.length < maxFailures) return { allowed: true, retryAfterSeconds: 0 };
      return { allowed: false, retryAfterSeconds: Math.ceil((attempts[0]! + windowMs - now) / 1000) };
    },
    recordFailure(key) {
      const now = Date.now();
      failures.set(key, [...recent(key, now), now]);
    },
    reset(key) {
      failures.delete(key);
    },
  };
}
