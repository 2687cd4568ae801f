/**
 * The Oxidized-compatible REST API under `/oxidized/` (on when DEVICEVAULT_OXIDIZED_API=1): the routes and
 * JSON of oxidized-web's `webapp.rb`, so LibreNMS, netbox-oxidized and scripts work by changing one URL.
 * Served from the database. Each request needs a token (`Authorization: Bearer <token>`, or Basic auth with
 * the token as password, for clients that only take a URL with credentials); reads are limited to the caller's
 * device groups and `node/next` needs operate rights. Where oxidized-web would render HTML we answer JSON
 * (or text for configs and diffs); everything else is as oxidized-web answers, including its 200 "unable to
 * find" text for a missing node.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditPort, JobQueuePort } from '@devicevault/schema/context';
import type { Database } from '@devicevault/schema/db/database';
import type { BackupRow } from '@devicevault/schema/db/tables';
import { canOperateDevice, type Viewer } from '@devicevault/schema/policy';
import { diffTexts } from '@devicevault/schema/text-diff';
import { presentedToken, resolveViewer } from '../../auth/identity.js';
import type { Logger } from '../../log.js';
import { listedNode, rubyLines, serializeNode, serializeVersion } from './oxidized-format.js';
import {
  findNode,
  findVersion,
  latestVersion,
  listNodes,
  listVersions,
  type NodeRow,
  previousVersion,
  searchLatestConfigs,
} from './oxidized-queries.js';

export const oxidizedPrefix = '/oxidized';
const maxBodyBytes = 64 * 1024;
const defaultVersionLimit = 100;
const maxVersionLimit = 1000;

export function isOxidizedRequest(request: IncomingMessage): boolean {
  const url = request.url ?? '';
  return url === oxidizedPrefix || url.startsWith(`${oxidizedPrefix}/`) || url.startsWith(`${oxidizedPrefix}?`);
}

export interface OxidizedApiDeps {
  db: Database;
  log: Logger;
  enqueue: JobQueuePort['enqueue'];
  readText(backup: BackupRow): Promise<string>;
  audit(viewer: Viewer, request: IncomingMessage): AuditPort;
}

interface Call {
  request: IncomingMessage;
  response: ServerResponse;
  viewer: Viewer;
  /** Path segments after `/oxidized/`, percent-decoded. */
  segments: string[];
  query: URLSearchParams;
  audit: AuditPort;
}

/** oxidized-web's `route_parse`: a trailing `.json` asks for JSON and is not part of the name. */
function routeParse(value: string): [string, boolean] {
  const parts = value.split('.');
  if (parts.at(-1) === 'json') {
    parts.pop();
    return [parts.join('.'), true];
  }
  return [value, false];
}

export function createOxidizedApi(deps: OxidizedApiDeps) {
  return async function serveOxidized(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      await handle(request, response);
    } catch (error) {
      deps.log.error('oxidized API request failed', { url: request.url?.split('?')[0], error: String(error) });
      if (!response.headersSent) send(response, 500, 'application/json', JSON.stringify({ error: 'internal error' }));
      else response.destroy();
    }
  };

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const viewer = await resolveViewer(deps.db, bearerOrBasicToken(request));
    if (!viewer) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="DeviceVault", Basic realm="DeviceVault"');
      return send(
        response,
        401,
        'application/json',
        JSON.stringify({ error: 'send an API token: Authorization: Bearer <token>' }),
      );
    }
    let segments: string[];
    try {
      segments = url.pathname
        .slice(oxidizedPrefix.length)
        .split('/')
        .filter(Boolean)
        .map((segment) => decodeURIComponent(segment));
    } catch {
      return send(response, 400, 'application/json', JSON.stringify({ error: 'malformed path' }));
    }
    const call: Call = {
      request,
      response,
      viewer,
      segments,
      query: url.searchParams,
      audit: deps.audit(viewer, request),
    };
    const [first, second] = segments;
    const method = request.method ?? 'GET';
    const route = `${method} ${first ?? ''}/${second ?? ''}`;
    if (method === 'GET' && segments.length === 1 && routeParse(first!)[0] === 'nodes') return nodes(call);
    if (method === 'POST' && first === 'nodes' && segments.length === 2 && routeParse(second!)[0] === 'conf_search')
      return confSearch(call);
    if (method === 'GET' && first === 'nodes' && segments.length >= 3) return filteredNodes(call);
    if (method === 'GET' && route === 'GET node/fetch' && segments.length >= 3) return fetchConfig(call);
    if ((method === 'GET' || method === 'PUT') && first === 'node' && second === 'next' && segments.length >= 3)
      return next(call);
    if (method === 'GET' && route === 'GET node/show' && segments.length === 3) return show(call);
    if (method === 'GET' && first === 'node' && segments.length === 2 && routeParse(second!)[0] === 'version')
      return versions(call);
    if (method === 'GET' && route === 'GET node/version' && segments.length === 3) {
      const [third, json] = routeParse(segments[2]!);
      if (third === 'view') return view(call, json);
      if (segments[2] === 'diffs') return diffs(call);
    }
    return send(response, 404, 'application/json', JSON.stringify({ error: 'no such route' }));
  }

  function wantsJson(call: Call, fromPath: boolean) {
    return fromPath || call.query.get('format') === 'json';
  }

  /** oxidized-web's `out`: JSON (a String as its lines) or text. */
  function out(call: Call, data: unknown, json: boolean, status = 200) {
    if (json || typeof data !== 'string') {
      const body = typeof data === 'string' ? rubyLines(data) : data;
      return send(call.response, status, 'application/json', JSON.stringify(body));
    }
    return send(call.response, status, 'text/plain;charset=utf-8', data);
  }

  async function nodes(call: Call) {
    const list = await listNodes(deps.db, call.viewer);
    return out(call, list.map(listedNode), true);
  }

  async function filteredNodes(call: Call) {
    const filter = call.segments[1]!;
    const [value] = routeParse(call.segments.slice(2).join('/'));
    const list = (await listNodes(deps.db, call.viewer)).map(listedNode);
    const key = filter as keyof (typeof list)[number];
    // `group` of an ungrouped node is already 'default' in the listing, which is what oxidized-web matches.
    return out(
      call,
      list.filter((node) => String(node[key]) === value),
      true,
    );
  }

  async function show(call: Call) {
    const [name] = routeParse(call.segments[2]!);
    const node = await findNode(deps.db, call.viewer, name);
    if (!node) return out(call, { error: `unable to find '${name}'` }, true, 404);
    return out(call, serializeNode(node), true);
  }

  async function fetchConfig(call: Call) {
    const [name, json] = routeParse(call.segments.at(-1)!);
    const node = await findNode(deps.db, call.viewer, name);
    if (!node) return out(call, `unable to find '${name}'`, wantsJson(call, json));
    const version = await latestVersion(deps.db, node.deviceId);
    return out(call, await textOf(call, version, 'node not found'), wantsJson(call, json));
  }

  /** A version's text, audited as a content view; `missing` (Oxidized's own message) when there is none. */
  async function textOf(call: Call, version: BackupRow | null, missing: string): Promise<string> {
    if (!version) return missing;
    if (version.isBinary) return 'The text contains binary values - cannot display';
    const text = await deps.readText(version);
    await call.audit.record({
      action: 'backup.content.view',
      outcome: 'success',
      targetType: 'backup',
      targetId: version.id,
      details: { via: 'oxidized-api' },
    });
    return text;
  }

  async function next(call: Call) {
    const [name, json] = routeParse(call.segments.at(-1)!);
    const node = await findNode(deps.db, call.viewer, name);
    if (!node) return out(call, { error: `unable to find '${name}'` }, true, 404);
    if (!canOperateDevice(call.viewer, { deviceGroupId: node.deviceGroupId }))
      return out(
        call,
        { error: 'operators of the device group may queue backups; this token may only read' },
        true,
        403,
      );
    let options: Record<string, unknown> = {};
    if (call.request.method === 'PUT') {
      const body = await readBody(call.request);
      if (body === null) return out(call, { error: 'body too large' }, true, 413);
      try {
        const parsed = body.trim() === '' ? {} : JSON.parse(body);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) options = parsed;
      } catch {
        return out(call, { error: 'the body must be JSON: {"user": …, "email": …, "msg": …}' }, true, 400);
      }
    }
    const field = (key: string) => (typeof options[key] === 'string' ? (options[key] as string).slice(0, 200) : '');
    const changedBy = field('user') || field('email') || null;
    const message = field('msg') || field('message');
    await deps.enqueue({
      deviceIds: [node.deviceId],
      trigger: changedBy ? 'change' : 'manual',
      requestedBy: {
        userId: call.viewer.userId,
        label: `${call.viewer.username} (Oxidized API${message ? `: ${message}` : ''})`,
      },
      changedBy,
      // A job already waiting for the device collects this change and names its author.
      duplicateOnlyIfQueued: changedBy !== null,
    });
    if (!wantsJson(call, json)) {
      call.response.statusCode = 302;
      call.response.setHeader('Location', `${oxidizedPrefix}/nodes`);
      call.response.end();
      return;
    }
    return out(call, 'ok', true);
  }

  async function nodeFromFull(call: Call, nodeFull: string): Promise<NodeRow | null> {
    // `group/name`: the name is after the last slash (groups may contain slashes).
    const name = nodeFull.includes('/') ? nodeFull.slice(nodeFull.lastIndexOf('/') + 1) : nodeFull;
    return findNode(deps.db, call.viewer, name);
  }

  async function versions(call: Call) {
    const nodeFull = call.query.get('node_full') ?? '';
    const node = await nodeFromFull(call, nodeFull);
    // Output::Git#version answers this string for a node it can't find.
    if (!node) return out(call, 'node not found', true);
    const limitParam = call.query.get('limit');
    const limit = limitParam === null ? defaultVersionLimit : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > maxVersionLimit)
      return out(call, { error: `limit must be an integer from 1 to ${maxVersionLimit}` }, true, 400);
    const beforeOid = call.query.get('before');
    const before = beforeOid ? await findVersion(deps.db, node.deviceId, beforeOid) : null;
    if (beforeOid && !before) return out(call, { error: 'before: no such version of this node' }, true, 400);
    const list = await listVersions(deps.db, node.deviceId, { limit, before });
    return out(
      call,
      list.map((version) => serializeVersion(node.name, version)),
      true,
    );
  }

  async function view(call: Call, jsonPath: boolean) {
    const node = await findNode(deps.db, call.viewer, routeParse(call.query.get('node') ?? '')[0]);
    const version = node ? await findVersion(deps.db, node.deviceId, call.query.get('oid') ?? '') : null;
    const text = await textOf(call, version, 'version not found');
    return out(call, text, wantsJson(call, jsonPath));
  }

  async function diffs(call: Call) {
    const [name, jsonNode] = routeParse(call.query.get('node') ?? '');
    const json = wantsJson(call, jsonNode);
    const node = await findNode(deps.db, call.viewer, name);
    const version = node ? await findVersion(deps.db, node.deviceId, call.query.get('oid') ?? '') : null;
    const oid2 = call.query.get('oid2');
    const older = version
      ? oid2
        ? await findVersion(deps.db, node!.deviceId, oid2)
        : await previousVersion(deps.db, version)
      : null;
    if (!node || !version || !older || version.isBinary || older.isBinary) return out(call, 'No diff available', json);
    const [newText, oldText] = [await textOf(call, version, ''), await textOf(call, older, '')];
    const path = node.groupName ? `${node.groupName}/${node.name}` : node.name;
    const diff = diffTexts(oldText, newText, { oldLabel: `a/${path}`, newLabel: `b/${path}` });
    const patch = diff.identical
      ? ''
      : `diff --git a/${path} b/${path}\nindex ${older.sha256.slice(0, 7)}..${version.sha256.slice(0, 7)} 100644\n${diff.unified}`;
    return out(call, patch, json);
  }

  async function confSearch(call: Call) {
    const body = await readBody(call.request);
    if (body === null) return out(call, { error: 'body too large' }, true, 413);
    const type = call.request.headers['content-type'] ?? '';
    let pattern: string | null = null;
    if (type.includes('application/json')) {
      try {
        const parsed = JSON.parse(body) as Record<string, unknown>;
        if (typeof parsed.search_in_conf_textbox === 'string') pattern = parsed.search_in_conf_textbox;
      } catch {
        return out(call, { error: 'malformed JSON body' }, true, 400);
      }
    } else {
      pattern = new URLSearchParams(body).get('search_in_conf_textbox') ?? call.query.get('search_in_conf_textbox');
    }
    if (!pattern) return out(call, { error: 'search_in_conf_textbox is required' }, true, 400);
    if (pattern.length > 1000) return out(call, { error: 'the pattern must be at most 1000 characters' }, true, 400);
    const found = await searchLatestConfigs(deps.db, call.viewer, pattern);
    if (found === 'invalid') return out(call, { error: 'invalid regular expression' }, true, 400);
    return out(
      call,
      found.map((row) => ({ node: row.name, full_name: row.groupName ? `${row.groupName}/${row.name}` : row.name })),
      true,
    );
  }
}

/** The bearer token, or a token sent as the Basic password (`https://x:TOKEN@host/oxidized`); never a cookie. */
function bearerOrBasicToken(request: IncomingMessage): string | null {
  const header = request.headers.authorization ?? '';
  const basic = /^Basic\s+(\S+)$/i.exec(header)?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) || null : null;
  }
  return presentedToken({ authorization: header, cookie: null });
}

async function readBody(request: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, type: string, body: string) {
  response.statusCode = status;
  response.setHeader('Content-Type', type);
  response.setHeader('Cache-Control', 'no-store');
  response.end(body);
}
