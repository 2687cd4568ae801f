/**
 * Signed download URLs: `/downloads/<backupId>?exp=<unix seconds>&uid=<user id>&sig=<base64url HMAC-SHA256>`.
 * The MAC covers the backup id, the expiry and the user the URL was issued to (empty for none), so a URL
 * cannot be moved to another backup, extended, or handed to another user's id. `&variant=original` (the
 * restorable original of a scrubbed version) is bound into the MAC too (a `v2` message), so a URL for the
 * masked version can't be turned into one for the original, nor the reverse. The key comes from
 * DEVICEVAULT_DOWNLOAD_KEY or a 0600 `download.key` file created in the data dir on first start.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { loadOrCreateKey } from '../secrets/key-file.js';

export const downloadsPrefix = '/downloads/';

/** What a URL points at: the stored version, or the encrypted original of a scrubbed one. */
export type DownloadVariant = 'stored' | 'original';

export type SignatureCheck =
  | { ok: true; userId: string | null; variant: DownloadVariant }
  | { ok: false; reason: 'malformed' | 'bad' | 'expired' };

export interface DownloadSigner {
  /** Path and query (no origin) of a URL valid for `ttlSeconds` from now. */
  pathFor(backupId: string, userId: string | null, now?: number, variant?: DownloadVariant): string;
  verify(backupId: string, query: URLSearchParams, now?: number): SignatureCheck;
}

export function createDownloadSigner(key: Buffer, ttlSeconds: number): DownloadSigner {
  if (key.length < 32) throw new Error('the download key must be at least 32 bytes');
  function mac(backupId: string, exp: string, userId: string, variant: DownloadVariant) {
    const message =
      variant === 'stored'
        ? `devicevault-download:v1\n${backupId}\n${exp}\n${userId}`
        : `devicevault-download:v2\n${backupId}\n${exp}\n${userId}\n${variant}`;
    return createHmac('sha256', key).update(message).digest();
  }
  return {
    pathFor(backupId, userId, now = Date.now(), variant = 'stored') {
      const exp = String(Math.floor(now / 1000) + ttlSeconds);
      const query = new URLSearchParams({ exp });
      if (userId) query.set('uid', userId);
      if (variant !== 'stored') query.set('variant', variant);
      query.set('sig', mac(backupId, exp, userId ?? '', variant).toString('base64url'));
      return `${downloadsPrefix}${encodeURIComponent(backupId)}?${query}`;
    },
    verify(backupId, query, now = Date.now()) {
      const exp = query.get('exp');
      const sig = query.get('sig');
      const userId = query.get('uid') ?? '';
      const variantParam = query.get('variant');
      if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return { ok: false, reason: 'malformed' };
      if (variantParam !== null && variantParam !== 'original') return { ok: false, reason: 'malformed' };
      const variant: DownloadVariant = variantParam ?? 'stored';
      const given = Buffer.from(sig, 'base64url');
      const expected = mac(backupId, exp, userId, variant);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad' };
      if (Number(exp) * 1000 <= now) return { ok: false, reason: 'expired' };
      return { ok: true, userId: userId || null, variant };
    },
  };
}

export function loadDownloadKey(configured: string | undefined, dataDir: string): Promise<Buffer> {
  return loadOrCreateKey(configured, dataDir, 'download.key');
}
