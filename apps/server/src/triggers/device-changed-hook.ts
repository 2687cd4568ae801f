/**
 * `POST /hooks/device-changed`: an integration (a TACACS+ accounting script, a change system, a NMS) says a
 * device changed. Bearer API token of an operator (their devices) or admin; JSON
 * `{ "device": "<id or name>" | "host": "<address or name>", "user"?: "...", "message"?: "..." }`. Answers
 * 202 `{ matched, queued }` (a backup already waiting counts as matched, not queued again), 401 without a
 * valid token, 403 for viewers, 404 when no device the caller may operate matches, 400 for a bad body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '@devicevault/schema/db/database';
import type { Viewer } from '@devicevault/schema/policy';
import { createAudit } from '../audit/audit-log.js';
import { presentedToken, resolveViewer } from '../auth/identity.js';
import type { Logger } from '../log.js';
import type { ChangeTrigger } from './change-trigger.js';
import { changedByFromMessage } from './changed-by.js';

const path = '/hooks/device-changed';
const maxBody = 64 * 1024;

export function isDeviceChangedHook(request: IncomingMessage): boolean {
  return request.url?.split('?')[0] === path;
}

export function createDeviceChangedHook(deps: {
  db: Database;
  log: Logger;
  trigger: ChangeTrigger;
  clientAddress(request: IncomingMessage): string | null;
}) {
  return async function serve(request: IncomingMessage, response: ServerResponse) {
    const answer = (status: number, body: Record<string, unknown>) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(body));
    };
    try {
      if (request.method !== 'POST') return answer(405, { error: 'use POST' });
      const viewer = await resolveViewer(deps.db, presentedToken({ authorization: request.headers.authorization }));
      if (!viewer) return answer(401, { error: 'send an API token as Authorization: Bearer <token>' });
      const audit = createAudit(deps.db, deps.log, { viewer, sourceAddress: deps.clientAddress(request) });
      if (viewer.role === 'viewer') {
        await audit.record({ action: 'hooks.deviceChanged', outcome: 'denied' });
        return answer(403, { error: 'viewers may not trigger backups' });
      }
      const body = await readJson(request);
      const target = typeof body?.device === 'string' ? body.device : typeof body?.host === 'string' ? body.host : null;
      if (!body || !target || target.length > 300)
        return answer(400, { error: 'send JSON { "device": "<id or name>" } or { "host": "<address or name>" }' });
      const user = typeof body.user === 'string' ? body.user.slice(0, 100) : null;
      const message = typeof body.message === 'string' ? body.message.slice(0, 4000) : null;
      const result = await deps.trigger.report({
        address: typeof body.host === 'string' ? body.host : null,
        hostname: typeof body.device === 'string' ? body.device : null,
        deviceId: typeof body.device === 'string' ? body.device : undefined,
        changedBy: user ?? (message ? changedByFromMessage(message) : null),
        source: `webhook (${viewer.username})`,
        requestedByUserId: viewer.userId,
        withinDeviceGroups: reach(viewer),
      });
      await audit.record({
        action: 'hooks.deviceChanged',
        outcome: result.deviceIds.length > 0 ? 'success' : 'failure',
        ...(result.deviceIds.length === 1 ? { targetType: 'device', targetId: result.deviceIds[0]! } : {}),
        details: { matched: result.deviceIds.length, queued: result.queued },
      });
      if (result.deviceIds.length === 0) return answer(404, { error: `no device you operate matches "${target}"` });
      return answer(202, { matched: result.deviceIds.length, queued: result.queued, deviceIds: result.deviceIds });
    } catch (error) {
      deps.log.error('device-changed hook failed', { error: String(error) });
      if (!response.headersSent) answer(500, { error: 'unexpected error' });
    }
  };
}

/** Admins reach every device; operators their groups. */
function reach(viewer: Viewer): readonly string[] | undefined {
  return viewer.role === 'admin' ? undefined : [...viewer.deviceGroupIds];
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBody) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}
