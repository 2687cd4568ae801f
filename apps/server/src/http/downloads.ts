/**
 * `GET|HEAD /downloads/:backupId?exp=…&uid=…&sig=…`: streams a stored version from the location recorded
 * on its row, with exact Content-Length, single-range `Range` → 206, and attachment headers. 403 for a
 * bad, expired or foreign signature (checked before the database is touched), 404 for a missing backup.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Database } from '@devicevault/schema/db/database';
import { type BackupRow, backups, devices } from '@devicevault/schema/db/tables';
import { isUuid } from '@devicevault/schema/errors';
import { eq } from 'drizzle-orm';
import type { Logger } from '../log.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { ByteRange } from '../storage/backup-store.js';
import type { StorageRegistry } from '../storage/storage-registry.js';
import { type DownloadSigner, type DownloadVariant, downloadsPrefix } from './download-signing.js';
import { findOriginal, mayDownloadOriginal, sendOriginal } from './original-download.js';

/** The access check the app plugs in: may this request, holding a URL issued to `userId`, fetch `backup`? */
export type AuthorizeDownload = (
  request: IncomingMessage,
  userId: string | null,
  backup: BackupRow,
) => Promise<boolean>;

export const allowAllDownloads: AuthorizeDownload = async () => true;

export interface DownloadRouteDeps {
  db: Database;
  storage: StorageRegistry;
  signer: DownloadSigner;
  authorizeDownload: AuthorizeDownload;
  log: Logger;
  /** Writes the audit row of each download attempt (the signed URL's user is the actor). */
  audit?: (request: IncomingMessage, entry: DownloadAuditEntry) => Promise<void>;
  /** Decrypts restorable originals (`&variant=original`); without it they are never served. */
  secrets?: SecretBox;
}

export interface DownloadAuditEntry {
  userId: string | null;
  backupId: string;
  outcome: 'success' | 'denied' | 'failure';
  reason?: string;
  variant?: DownloadVariant;
}

export function isDownloadRequest(request: IncomingMessage): boolean {
  return request.url?.startsWith(downloadsPrefix) ?? false;
}

export function createDownloadRoute(deps: DownloadRouteDeps) {
  return async function serveDownload(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      await handle(request, response);
    } catch (error) {
      deps.log.error('download failed', { url: request.url?.split('?')[0], error: String(error) });
      if (!response.headersSent) sendStatus(response, 500, 'download failed');
      else response.destroy();
    }
  };

  async function handle(request: IncomingMessage, response: ServerResponse) {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return sendStatus(response, 405, 'method not allowed');
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    const backupId = decodedBackupId(url.pathname.slice(downloadsPrefix.length));
    if (backupId === null) return sendStatus(response, 400, 'bad request: malformed backup id in the path');
    const check = deps.signer.verify(backupId, url.searchParams);
    const audit = (outcome: DownloadAuditEntry['outcome'], reason?: string) =>
      deps.audit?.(request, {
        userId: check.ok ? check.userId : null,
        backupId,
        outcome,
        reason,
        variant: check.ok ? check.variant : undefined,
      });
    if (!check.ok) {
      await audit('denied', `${check.reason} signature`);
      return sendStatus(response, 403, `forbidden: ${check.reason} signature`);
    }
    if (!isUuid(backupId)) return sendStatus(response, 404, 'no such backup');
    const [found] = await deps.db
      .select({ backup: backups, deviceName: devices.name })
      .from(backups)
      .innerJoin(devices, eq(devices.id, backups.deviceId))
      .where(eq(backups.id, backupId));
    if (!found) {
      await audit('failure', 'no such backup');
      return sendStatus(response, 404, 'no such backup');
    }
    const { backup } = found;
    if (!(await deps.authorizeDownload(request, check.userId, backup))) {
      await audit('denied', 'not allowed for this user');
      return sendStatus(response, 403, 'forbidden');
    }
    if (check.variant === 'original') {
      const original = await findOriginal(deps.db, backup.id);
      if (!deps.secrets || !(await mayDownloadOriginal(deps.db, check.userId))) {
        await audit('denied', 'restorable originals are for administrators');
        return sendStatus(response, 403, 'forbidden');
      }
      if (!original) {
        await audit('failure', 'no restorable original');
        return sendStatus(response, 404, 'this version has no restorable original');
      }
      if (request.method === 'GET') await audit('success');
      const originalDeps = { db: deps.db, storage: deps.storage, secrets: deps.secrets };
      return sendOriginal(originalDeps, response, request.method ?? 'GET', found.deviceName, backup, original);
    }
    if (request.method === 'GET') await audit('success');

    const etag = `"${backup.sha256}"`;
    const range = requestedRange(request, backup.size, etag);
    response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader('ETag', etag);
    response.setHeader('Last-Modified', backup.createdAt.toUTCString());
    response.setHeader('Cache-Control', 'private, no-store');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Content-Type', backup.isBinary ? 'application/octet-stream' : 'text/plain; charset=utf-8');
    response.setHeader('Content-Disposition', attachment(found.deviceName, backup));
    if (range === 'unsatisfiable') {
      response.setHeader('Content-Range', `bytes */${backup.size}`);
      return sendStatus(response, 416, 'range not satisfiable');
    }
    if (range) {
      response.statusCode = 206;
      response.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${backup.size}`);
      response.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      response.statusCode = 200;
      response.setHeader('Content-Length', String(backup.size));
    }
    if (request.method === 'HEAD' || backup.size === 0) {
      response.end();
      return;
    }
    const source = await deps.storage.read(backup, range ?? undefined);
    await pipeline(source, response);
  }
}

/**
 * The path's backup id, or null when its percent-encoding is broken (`%E0%A4%A`) or it decodes to control
 * characters (a NUL can't even be written to the audit log): the client's mistake, never a server error.
 */
function decodedBackupId(encoded: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch {
    return null;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
  return /[\u0000-\u001f\u007f]/.test(decoded) ? null : decoded;
}

/**
 * One `bytes=` range (first-last, first-, or -suffix). Multiple ranges and malformed headers get the whole
 * body (RFC 9110 lets a server ignore Range); `If-Range` with another validator does too.
 */
export function requestedRange(
  request: Pick<IncomingMessage, 'headers'>,
  size: number,
  etag: string,
): ByteRange | 'unsatisfiable' | null {
  const header = request.headers.range;
  if (!header) return null;
  const ifRange = request.headers['if-range'];
  if (ifRange && ifRange !== etag) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    start = Math.max(size - suffix, 0);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (match[2] !== '' && Number(match[2]) < start) return null;
  }
  if (!Number.isSafeInteger(start) || start >= size) return 'unsatisfiable';
  return { start, end };
}

function attachment(deviceName: string, backup: BackupRow) {
  const stamp = backup.createdAt
    .toISOString()
    .replace(/[:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const name = `${deviceName}-${stamp}.${backup.isBinary ? 'bin' : 'txt'}`;
  const ascii = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function sendStatus(response: ServerResponse, status: number, message: string) {
  response.statusCode = status;
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  response.end(`${message}\n`);
}
