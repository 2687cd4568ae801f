/**
 * `GET /healthz` (public: load balancers probe it) answers 200 when the database answers, else 503.
 * `GET /metrics` (Prometheus text; needs a session or API token, since fleet size is information) gives
 * job, device and backup counts from the database, so every process reports the same totals.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import { sql } from 'drizzle-orm';

export function isHealthRequest(request: IncomingMessage): boolean {
  const path = request.url?.split('?')[0];
  return (path === '/healthz' || path === '/metrics') && (request.method === 'GET' || request.method === 'HEAD');
}

export function createHealthRoutes(deps: {
  db: Database;
  databaseKind: string;
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
    const [counts] = rowsOf<Record<string, number>>(
      await deps.db.execute(sql`
        /* metricsCounts */
        select
          (select count(*)::int from devices) as devices,
          (select count(*)::int from devices where enabled) as devices_enabled,
          (select count(*)::int from backups) as backups,
          (select coalesce(sum(size), 0)::float8 from backups where changed) as backup_bytes`),
    );
    const jobs = rowsOf<{ status: string; count: number }>(
      await deps.db.execute(sql`/* metricsJobs */ select status, count(*)::int as count from jobs group by status`),
    );
    const lines = [
      '# HELP devicevault_devices Devices, by enabled state.',
      '# TYPE devicevault_devices gauge',
      `devicevault_devices{enabled="true"} ${counts?.devices_enabled ?? 0}`,
      `devicevault_devices{enabled="false"} ${(counts?.devices ?? 0) - (counts?.devices_enabled ?? 0)}`,
      '# HELP devicevault_backups Stored version rows.',
      '# TYPE devicevault_backups gauge',
      `devicevault_backups ${counts?.backups ?? 0}`,
      '# HELP devicevault_backup_bytes Bytes of changed versions (before deduplication).',
      '# TYPE devicevault_backup_bytes gauge',
      `devicevault_backup_bytes ${counts?.backup_bytes ?? 0}`,
      '# HELP devicevault_jobs Jobs, by status.',
      '# TYPE devicevault_jobs gauge',
      ...['queued', 'running', 'storing', 'succeeded', 'failed'].map(
        (status) => `devicevault_jobs{status="${status}"} ${jobs.find((row) => row.status === status)?.count ?? 0}`,
      ),
    ];
    send(response, 200, 'text/plain; version=0.0.4; charset=utf-8', `${lines.join('\n')}\n`);
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
