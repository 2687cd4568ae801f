/**
 * `GET /healthz` (public: load balancers probe it) answers 200 when the database answers, else 503.
 * `GET /metrics` (Prometheus text from prom-client; needs a session or API token, since fleet size is
 * information): see metrics.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '@devicevault/schema/db/database';
import { sql } from 'drizzle-orm';
import type { Metrics } from './metrics.js';

export function isHealthRequest(request: IncomingMessage): boolean {
  const path = request.url?.split('?')[0];
  return (path === '/healthz' || path === '/metrics') && (request.method === 'GET' || request.method === 'HEAD');
}

export function createHealthRoutes(deps: {
  db: Database;
  databaseKind: string;
  metrics: Metrics;
  authenticated(request: IncomingMessage): Promise<boolean>;
}) {
  async function healthz(response: ServerResponse) {
    try {
      await deps.db.execute(sql`/* healthz */ select 1`);
      send(response, 200, 'application/json', JSON.stringify({ status: 'ok', database: deps.databaseKind }));
    } catch {
      send(response, 503, 'application/json', JSON.stringify({ status: 'unavailable', database: deps.databaseKind }));
    }
  }

  async function metrics(request: IncomingMessage, response: ServerResponse) {
    if (!(await deps.authenticated(request))) {
      send(response, 401, 'application/json', JSON.stringify({ error: 'send a session cookie or Bearer token' }));
      return;
    }
    send(response, 200, deps.metrics.contentType, await deps.metrics.render());
  }

  return function serve(request: IncomingMessage, response: ServerResponse) {
    if (request.url?.startsWith('/healthz')) return healthz(response);
    return metrics(request, response);
  };
}

function send(response: ServerResponse, status: number, type: string, body: string) {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
