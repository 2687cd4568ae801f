/**
 * `GET /exports/configs.zip?asOf=…&deviceGroupId=…&exp=…&uid=…&sig=…`: a zip of each readable device's latest
 * text version as of `asOf`, as `configs/<device>.cfg` (the layout Batfish reads a snapshot in). Signed with the
 * download key, the MAC binding the query (asOf, deviceGroupId), the expiry and the user, so a URL can't be
 * moved to another instant or group; checked before the database is touched. The archive streams: devices are
 * listed first (names and hashes only), texts are read a page at a time as the zip writer asks for them, and
 * the writer waits while the client is slow, so memory stays flat whatever the fleet size. Stored texts are
 * the masked ones (restorable originals are never exported).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import { type BackupRow, textContents } from '@devicevault/schema/db/tables';
import { isUuid } from '@devicevault/schema/errors';
import { canReadDevice, type Viewer } from '@devicevault/schema/policy';
import { inArray, sql } from 'drizzle-orm';
import yazl from 'yazl';
import type { Logger } from '../log.js';
import { readStoredText } from '../storage/read-text.js';
import type { StorageRegistry } from '../storage/storage-registry.js';
import type { DownloadSigner } from './download-signing.js';

export const configsExportPath = '/exports/configs.zip';
const pageSize = 25;

export interface ExportQuery {
  asOf: Date;
  deviceGroupId: string | null;
}

/** What the MAC covers besides expiry and user: the route and its canonical query. */
function resource(query: ExportQuery): string {
  return `${configsExportPath}\nasOf=${query.asOf.toISOString()}\ndeviceGroupId=${query.deviceGroupId ?? ''}`;
}

/** The signed path (no origin) of an export, valid for the download TTL, bound to `userId`. */
export function signedExportPath(signer: DownloadSigner, query: ExportQuery, userId: string): string {
  // The download signer binds its MAC to an id string; ours is the canonical query, and we keep its exp/uid/sig.
  const signed = new URL(signer.pathFor(resource(query), userId), 'http://localhost').searchParams;
  const params = new URLSearchParams({ asOf: query.asOf.toISOString() });
  if (query.deviceGroupId) params.set('deviceGroupId', query.deviceGroupId);
  for (const key of ['exp', 'uid', 'sig']) {
    const value = signed.get(key);
    if (value) params.set(key, value);
  }
  return `${configsExportPath}?${params}`;
}

export function isExportRequest(request: IncomingMessage): boolean {
  return request.url?.split('?')[0] === configsExportPath;
}

export interface ExportRouteDeps {
  db: Database;
  storage: StorageRegistry;
  signer: DownloadSigner;
  log: Logger;
  /** The URL's user as the policy sees them now (null when gone or disabled), or null when the presenter differs. */
  viewerFor(request: IncomingMessage, userId: string): Promise<Viewer | null>;
  audit(
    request: IncomingMessage,
    entry: { userId: string | null; outcome: 'success' | 'denied' | 'failure'; details: Record<string, unknown> },
  ): Promise<void>;
}

interface Listed {
  deviceId: string;
  name: string;
  sha256: string;
  createdAt: Date;
  storageKind: string;
  storageRef: string;
  storageLocationId: string | null;
}

export function createExportRoute(deps: ExportRouteDeps) {
  return async function serveExport(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      await handle(request, response);
    } catch (error) {
      deps.log.error('export failed', { error: String(error) });
      if (!response.headersSent) sendStatus(response, 500, 'export failed');
      else response.destroy();
    }
  };

  async function handle(request: IncomingMessage, response: ServerResponse) {
    if (request.method !== 'GET') {
      response.setHeader('Allow', 'GET');
      return sendStatus(response, 405, 'method not allowed');
    }
    const params = new URL(request.url ?? '/', 'http://localhost').searchParams;
    const asOfText = params.get('asOf');
    const asOf = asOfText ? new Date(asOfText) : null;
    const deviceGroupId = params.get('deviceGroupId');
    if (!asOf || Number.isNaN(asOf.getTime()))
      return sendStatus(response, 400, 'bad request: asOf must be an ISO 8601 instant');
    const query = { asOf, deviceGroupId };
    const check = deps.signer.verify(resource(query), params);
    const details = { asOf: asOf.toISOString(), deviceGroupId };
    if (!check.ok || !check.userId) {
      await deps.audit(request, { userId: null, outcome: 'denied', details: { ...details, reason: 'signature' } });
      return sendStatus(response, 403, `forbidden: ${check.ok ? 'unbound' : check.reason} signature`);
    }
    const viewer = await deps.viewerFor(request, check.userId);
    if (!viewer || (deviceGroupId && !canReadDevice(viewer, { deviceGroupId }))) {
      await deps.audit(request, { userId: check.userId, outcome: 'denied', details });
      return sendStatus(response, 403, 'forbidden');
    }
    if (deviceGroupId && !isUuid(deviceGroupId)) return sendStatus(response, 404, 'no such device group');

    const listed = await listLatest(deps.db, viewer, query);
    await deps.audit(request, {
      userId: check.userId,
      outcome: 'success',
      details: { ...details, devices: listed.length },
    });
    const stamp = asOf
      .toISOString()
      .replace(/[:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    response.statusCode = 200;
    response.setHeader('Content-Type', 'application/zip');
    response.setHeader('Content-Disposition', `attachment; filename="configs-${stamp}.zip"`);
    response.setHeader('Cache-Control', 'private, no-store');
    response.setHeader('X-Content-Type-Options', 'nosniff');

    const zip = new yazl.ZipFile();
    const texts = createPageReader(deps, listed);
    const names = new Set<string>();
    for (const [index, entry] of listed.entries()) {
      let name = `configs/${safeName(entry.name)}.cfg`;
      if (names.has(name)) name = `configs/${safeName(entry.name)}-${entry.deviceId.slice(0, 8)}.cfg`;
      names.add(name);
      zip.addReadStreamLazy(name, { mtime: entry.createdAt }, (callback) => {
        texts.read(index).then(
          (bytes) => callback(null, Readable.from([bytes])),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null as never),
        );
      });
    }
    zip.end();
    await pipeline(zip.outputStream, response);
  }
}

/** Device names may hold anything; zip paths may not climb out of `configs/` or carry control characters. */
function safeName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is replaced.
  return name.replace(/[/\\\u0000-\u001f\u007f]/g, '_').replace(/^\.+/, '_') || '_';
}

/**
 * Each readable device not archived at `asOf` with its newest text version created at or before `asOf` (imported
 * history may predate the device row, so that is not checked), ordered by name; hashes and refs only, never text.
 */
async function listLatest(db: Database, viewer: Viewer, query: ExportQuery): Promise<Listed[]> {
  const at = query.asOf.toISOString();
  const readable =
    viewer.role === 'admin'
      ? sql`true`
      : viewer.deviceGroupIds.size === 0
        ? sql`false`
        : sql`d.device_group_id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify([...viewer.deviceGroupIds])}::jsonb))`;
  const group = query.deviceGroupId ? sql`d.device_group_id = ${query.deviceGroupId}::uuid` : sql`true`;
  const rows = rowsOf<{
    device_id: string;
    name: string;
    sha256: string;
    created_at: string | Date;
    storage_kind: string;
    storage_ref: string;
    storage_location_id: string | null;
  }>(
    await db.execute(sql`
      /* exportLatestVersions */
      select d.id as device_id, d.name, v.sha256, v.created_at, v.storage_kind, v.storage_ref, v.storage_location_id
      from devices d
      join lateral (
        select sha256, created_at, storage_kind, storage_ref, storage_location_id, is_binary from backups
        where device_id = d.id and created_at <= ${at}::timestamptz
        order by created_at desc nulls last, id desc nulls last limit 1) v on not v.is_binary
      where ${readable} and ${group} and (d.archived_at is null or d.archived_at > ${at}::timestamptz)
      order by d.name`),
  );
  return rows.map((row) => ({
    deviceId: row.device_id,
    name: row.name,
    sha256: row.sha256,
    createdAt: new Date(row.created_at),
    storageKind: row.storage_kind,
    storageRef: row.storage_ref,
    storageLocationId: row.storage_location_id,
  }));
}

/** Reads texts a page at a time, in the order the zip writer asks for them; only the current page is held. */
function createPageReader(deps: Pick<ExportRouteDeps, 'db' | 'storage'>, listed: Listed[]) {
  // Held as bytes: the decoded strings die at once (young), instead of living through a page and being promoted.
  let page: { start: number; texts: Map<string, Buffer> } | null = null;
  async function load(start: number) {
    const slice = listed.slice(start, start + pageSize);
    const rows = await deps.db
      .select()
      .from(textContents)
      .where(
        inArray(
          textContents.sha256,
          slice.map((entry) => entry.sha256),
        ),
      );
    page = { start, texts: new Map(rows.map((row) => [row.sha256, Buffer.from(row.content, 'utf8')])) };
    return page;
  }
  return {
    async read(index: number): Promise<Buffer> {
      const start = index - (index % pageSize);
      const current = page?.start === start ? page : await load(start);
      const entry = listed[index]!;
      const text = current.texts.get(entry.sha256);
      if (text !== undefined) return text;
      // Versions recorded before text went to the database (or holding NUL): from the store.
      const stored = await readStoredText(
        deps.storage,
        entry as Pick<BackupRow, 'storageLocationId' | 'storageKind' | 'storageRef'>,
      );
      return Buffer.from(stored, 'utf8');
    },
  };
}

function sendStatus(response: ServerResponse, status: number, message: string) {
  response.statusCode = status;
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  response.end(`${message}\n`);
}
