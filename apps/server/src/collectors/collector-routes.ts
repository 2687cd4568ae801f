/**
 * The HTTP routes remote collectors dial out to (`devicevault collector`), under `/collector/v1/`:
 *
 * - `POST claim` `{ room, waitMs }` → `{ leaseMs, tasks }`: a long poll for up to `room` jobs of the collector's
 *   zone, each a worker task with its decrypted credential (put TLS in front of the server for remote sites);
 * - `POST renew` `{ jobIds, lines }` → `{ lost }`: extends the leases and appends progress lines; the collector
 *   stops the jobs listed in `lost`;
 * - `PUT jobs/:id/artefact` (and `jobs/:id/significant`): the collected file, streamed into the job's spool
 *   directory as it arrives, never buffered whole, refused past a size cap;
 * - `POST jobs/:id/finish` `{ outcome, lines }` → `{ status, errorCode }`: the server checks the uploads against
 *   the outcome, then stores and records exactly as for its own jobs (collector-hub.ts → run-job.ts);
 * - `POST release` `{ jobIds }`: a collector shutting down gives its unfinished jobs back to the queue at once.
 *
 * Every request carries `Authorization: Bearer dvc_…`; an unknown or revoked token is 401 at once, and a revoke
 * (the `collectorRevoked` topic, any server process) ends the collector's requests in flight with 401, a waiting
 * claim included. Claims that hand out jobs, renewals, uploads, outcomes and refusals are audited.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditEntry } from '@devicevault/schema/context';
import type { Database } from '@devicevault/schema/db/database';
import { collectors } from '@devicevault/schema/db/tables';
import { isUuid } from '@devicevault/schema/errors';
import type { DeviceVaultPubSub } from '@devicevault/schema/pubsub';
import { eq } from 'drizzle-orm';
import { createAudit } from '../audit/audit-log.js';
import type { Logger } from '../log.js';
import {
  type ArtefactName,
  artefactNames,
  type CollectorHub,
  type CollectorIdentity,
  type RemoteOutcome,
  UploadTooLarge,
} from './collector-hub.js';

export const collectorPrefix = '/collector/v1/';

export function isCollectorRequest(request: IncomingMessage): boolean {
  return request.url?.startsWith(collectorPrefix) ?? false;
}

export interface CollectorRouteDeps {
  db: Database;
  hub: CollectorHub;
  pubsub: DeviceVaultPubSub;
  log: Logger;
  leaseMs: number;
  clientAddress: (request: IncomingMessage) => string | null;
  /** The JSON of a finish (it carries the unmasked original config, when there is one). */
  maxJsonBytes: number;
  /** An upload declaring more than this is refused before any byte is read (the hub counts the rest). */
  maxUploadBytes: number;
}

// A claim waits at most this long for work, below common proxy idle timeouts.
const maxWaitMs = 25_000;

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function createCollectorRoutes(deps: CollectorRouteDeps) {
  const { db, hub, log } = deps;
  /** Each collector's requests in flight, so that a revoke ends them at once. */
  const inFlight = new Map<string, Set<AbortController>>();
  const revocations = deps.pubsub.subscribe('collectorRevoked');
  void (async () => {
    for await (const { collectorId } of revocations) {
      for (const request of inFlight.get(collectorId) ?? []) request.abort(new Error('the collector was revoked'));
      await hub.giveBack(collectorId);
    }
  })();

  async function identify(request: IncomingMessage): Promise<CollectorIdentity | null> {
    const match = /^Bearer (dvc_[A-Za-z0-9_-]{10,200})$/.exec(request.headers.authorization ?? '');
    if (!match) return null;
    const tokenHash = createHash('sha256').update(match[1]!).digest('hex');
    const [row] = await db.select().from(collectors).where(eq(collectors.tokenHash, tokenHash));
    if (!row || row.revokedAt) return null;
    if (!row.lastSeenAt || Date.now() - row.lastSeenAt.getTime() > 60_000) {
      void db
        .update(collectors)
        .set({ lastSeenAt: new Date() })
        .where(eq(collectors.id, row.id))
        .catch(() => {});
    }
    return { id: row.id, name: row.name, zoneId: row.zoneId };
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const audit = createAudit(db, log, { viewer: null, sourceAddress: deps.clientAddress(request) });
    const path = (request.url ?? '').split('?')[0]!.slice(collectorPrefix.length);
    const collector = await identify(request);
    if (!collector) {
      await audit.record({
        action: 'collector.request',
        outcome: 'denied',
        actorLabel: 'collector (unknown or revoked token)',
        details: { path: path.slice(0, 100) },
      });
      drainAndSend(request, response, 401, { error: 'unknown or revoked collector token' });
      return;
    }
    const record = (entry: Omit<AuditEntry, 'actorLabel' | 'targetType' | 'targetId'>) =>
      audit.record({
        ...entry,
        actorLabel: `collector:${collector.name}`,
        targetType: 'collector',
        targetId: collector.id,
      });
    const controller = new AbortController();
    const mine = inFlight.get(collector.id) ?? new Set();
    inFlight.set(collector.id, mine.add(controller));
    response.on('close', () => controller.abort(new Error('the collector hung up')));
    try {
      const answer = await route(collector, path, request, controller.signal, record);
      if (revoked(controller.signal)) throw new HttpFailure(401, 'the collector was revoked');
      send(response, 200, answer);
    } catch (error) {
      if (revoked(controller.signal)) {
        drainAndSend(request, response, 401, { error: 'the collector was revoked' });
      } else if (error instanceof HttpFailure) {
        drainAndSend(request, response, error.status, { error: error.message });
      } else if (error instanceof UploadTooLarge) {
        await record({ action: 'collector.upload', outcome: 'failure', details: { error: error.message } });
        drainAndSend(request, response, 413, { error: error.message });
      } else {
        log.error('collector request failed', { collector: collector.name, path, error: String(error) });
        drainAndSend(request, response, 500, { error: 'the server could not handle this request' });
      }
    } finally {
      mine.delete(controller);
      if (mine.size === 0) inFlight.delete(collector.id);
    }
  }

  async function route(
    collector: CollectorIdentity,
    path: string,
    request: IncomingMessage,
    signal: AbortSignal,
    record: (entry: Omit<AuditEntry, 'actorLabel' | 'targetType' | 'targetId'>) => Promise<void>,
  ): Promise<unknown> {
    if (request.method === 'POST' && path === 'claim') {
      const body = await readJson<{ room?: unknown; waitMs?: unknown }>(request, 64 * 1024);
      const room = clampInt(body.room, 0, 1_000);
      const waitMs = clampInt(body.waitMs, 0, maxWaitMs);
      const tasks = await hub.claim(collector, room, waitMs, signal);
      if (revoked(signal)) {
        // Claimed just as the revoke arrived: they go back to the queue.
        await hub.giveBack(collector.id);
        throw new HttpFailure(401, 'the collector was revoked');
      }
      if (signal.aborted && tasks.length > 0) {
        // The collector hung up while its jobs were being claimed: nobody will run them, so they go back now.
        await hub.giveBack(
          collector.id,
          tasks.map((task) => task.jobId),
        );
        return { leaseMs: deps.leaseMs, tasks: [] };
      }
      if (tasks.length > 0)
        await record({ action: 'collector.claim', outcome: 'success', details: { jobIds: tasks.map((t) => t.jobId) } });
      return { leaseMs: deps.leaseMs, tasks };
    }
    if (request.method === 'POST' && path === 'release') {
      const jobIds = uuids((await readJson<{ jobIds?: unknown }>(request, 1024 * 1024)).jobIds);
      await hub.giveBack(collector.id, jobIds);
      await record({ action: 'collector.release', outcome: 'success', details: { jobIds } });
      return { released: jobIds };
    }
    if (request.method === 'POST' && path === 'renew') {
      const body = await readJson<{ jobIds?: unknown; lines?: unknown }>(request, 1024 * 1024);
      const jobIds = uuids(body.jobIds);
      const lines = linesByJob(body.lines);
      const lost = await hub.renew(collector, jobIds, lines);
      await record({ action: 'collector.renew', outcome: 'success', details: { jobIds, lost } });
      return { lost };
    }
    const job = /^jobs\/([0-9a-f-]{36})\/(artefact|significant|finish)$/.exec(path);
    if (!job || !isUuid(job[1]!)) throw new HttpFailure(404, 'no such collector route');
    const [, jobId, what] = job as unknown as [string, string, string];
    if (request.method === 'PUT' && (artefactNames as readonly string[]).includes(what)) {
      const declared = Number(request.headers['content-length'] ?? Number.NaN);
      if (declared > deps.maxUploadBytes) throw new UploadTooLarge(deps.maxUploadBytes);
      const received = await hub.receive(collector, jobId, what as ArtefactName, request);
      if (!received) throw new HttpFailure(409, 'this collector does not hold that job (lease lost or expired)');
      await record({ action: 'collector.upload', outcome: 'success', details: { jobId, file: what, ...received } });
      return received;
    }
    if (request.method === 'POST' && what === 'finish') {
      const body = await readJson<{ outcome?: RemoteOutcome; lines?: unknown }>(request, deps.maxJsonBytes);
      if (!body.outcome || typeof body.outcome !== 'object') throw new HttpFailure(400, 'finish needs an outcome');
      const lines = linesByJob({ [jobId]: body.lines })[jobId] ?? [];
      const result = await hub.finish(collector, jobId, body.outcome, lines);
      if (!result) throw new HttpFailure(409, 'this collector does not hold that job (lease lost or expired)');
      await record({
        action: 'collector.finish',
        outcome: result.status === 'succeeded' ? 'success' : 'failure',
        details: { jobId, status: result.status, errorCode: result.errorCode },
      });
      return result;
    }
    throw new HttpFailure(405, 'method not allowed');
  }

  return {
    serve: (request: IncomingMessage, response: ServerResponse) =>
      serve(request, response).catch((error) => {
        log.error('collector request failed', { error: String(error) });
        if (!response.headersSent) send(response, 500, { error: 'internal error' });
      }),
    async stop() {
      await revocations.return?.();
    },
  };
}

function revoked(signal: AbortSignal): boolean {
  return signal.aborted && String((signal.reason as Error)?.message).includes('revoked');
}

function clampInt(value: unknown, min: number, max: number): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : min;
  return Math.min(max, Math.max(min, n));
}

function uuids(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string' && isUuid(id)) : [];
}

function linesByJob(value: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!value || typeof value !== 'object') return out;
  for (const [jobId, lines] of Object.entries(value as Record<string, unknown>)) {
    if (!isUuid(jobId) || !Array.isArray(lines)) continue;
    out[jobId] = lines
      .filter((line): line is string => typeof line === 'string')
      .slice(0, 200)
      .map((line) => line.slice(0, 2_000));
  }
  return out;
}

/** A small JSON body, refused (413) past `limit` bytes. */
async function readJson<T>(request: IncomingMessage, limit: number): Promise<T> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpFailure(413, `the request body is over ${limit} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return {} as T;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
  } catch {
    throw new HttpFailure(400, 'the request body is not JSON');
  }
}

function send(response: ServerResponse, status: number, body: unknown) {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Answers without reading the rest of a refused body, and closes the connection so it is not reused. */
function drainAndSend(request: IncomingMessage, response: ServerResponse, status: number, body: unknown) {
  if (!request.readableEnded) response.setHeader('connection', 'close');
  send(response, status, body);
  request.resume();
}
