/**
 * Signed download URLs: `/downloads/<backupId>?exp=<unix seconds>&uid=<user id>&sig=<base64url HMAC-SHA256>`.
 * The MAC covers the backup id, the expiry and the user the URL was issued to (empty for none), so a URL
 * cannot be moved to another backup, extended, or handed to another user's id. The key comes from
 * DEVICEVAULT_DOWNLOAD_KEY or a 0600 `download.key` file created in the data dir on first start.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { loadOrCreateKey } from '../secrets/key-file.js';

export const downloadsPrefix = '/downloads/';

export type SignatureCheck =
  | { ok: true; userId: string | null }
  | { ok: false; reason: 'malformed' | 'bad' | 'expired' };

export interface DownloadSigner {
  /** Path and query (no origin) of a URL valid for `ttlSeconds` from now. */
  pathFor(backupId: string, userId: string | null, now?: number): string;
  verify(backupId: string, query: URLSearchParams, now?: number): SignatureCheck;
}

export function createDownloadSigner(key: Buffer, ttlSeconds: number): DownloadSigner {
  if (key.length < 32) throw new Error('the download key must be at least 32 bytes');
  function mac(backupId: string, exp: string, userId: string) {
    return createHmac('sha256', key).update(`devicevault-download:v1\n${backupId}\n${exp}\n${userId}`).digest();
  }
  return {
    pathFor(backupId, userId, now = Date.now()) {
      const exp = String(Math.floor(now / 1000) + ttlSeconds);
      const query = new URLSearchParams({ exp });
      if (userId) query.set('uid', userId);
      query.set('sig', mac(backupId, exp, userId ?? '').toString('base64url'));
      return `${downloadsPrefix}${encodeURIComponent(backupId)}?${query}`;
    },
    verify(backupId, query, now = Date.now()) {
      const exp = query.get('exp');
      const sig = query.get('sig');
      const userId = query.get('uid') ?? '';
      if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return { ok: false, reason: 'malformed' };
      const given = Buffer.from(sig, 'base64url');
      const expected = mac(backupId, exp, userId);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad' };
      if (Number(exp) * 1000 <= now) return { ok: false, reason: 'expired' };
      return { ok: true, userId: userId || null };
    },
  };
}

export function loadDownloadKey(configured: string | undefined, dataDir: string): Promise<Buffer> {
  return loadOrCreateKey(configured, dataDir, 'download.key');
}
