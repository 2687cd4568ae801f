/**
 * Prometheus metrics with prom-client, one registry per server process: default process metrics, and fleet
 * series read from the database at scrape time, so every process sharing a database reports the same totals
 * (scrape one, or aggregate with max). No per-device labels: fleets have tens of thousands of devices.
 */
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import { sql } from 'drizzle-orm';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

const deviceStates = ['FRESH', 'STALE', 'FAILING', 'NEVER', 'DISABLED'] as const;

export function createMetrics(deps: { db: Database; graphqlSubscriptions(): number }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const { db } = deps;

  new Counter({
    name: 'devicevault_jobs_total',
    help: 'Finished jobs, by status, plugin and error code (empty when none).',
    labelNames: ['status', 'plugin', 'error_code'],
    registers: [registry],
    async collect() {
      const rows = rowsOf<{ status: string; plugin: string; errorCode: string; count: number }>(
        await db.execute(sql`
          /* metricsJobsTotal */
          select j.status, d.plugin_key as plugin, coalesce(j.error_code, '') as "errorCode", count(*)::int as count
          from jobs j join devices d on d.id = j.device_id
          where j.status in ('succeeded', 'failed') group by 1, 2, 3`),
      );
      this.reset();
      for (const row of rows)
        this.inc({ status: row.status, plugin: row.plugin, error_code: row.errorCode }, row.count);
    },
  });

  // Observed from the jobs table: each scrape adds the jobs finished since the previous one.
  const durations = new Histogram({
    name: 'devicevault_job_duration_seconds',
    help: 'From start to end of finished jobs, by plugin.',
    labelNames: ['plugin'],
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
    registers: [registry],
  });
  let watermark: { at: string; id: string } = { at: '-infinity', id: '00000000-0000-0000-0000-000000000000' };
  async function observeFinishedJobs() {
    const rows = rowsOf<{ id: string; plugin: string; seconds: number; finishedAt: string }>(
      await db.execute(sql`
        /* metricsJobDurations */
        select j.id, d.plugin_key as plugin, extract(epoch from j.finished_at - j.started_at)::float8 as seconds,
          to_char(j.finished_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "finishedAt"
        from jobs j join devices d on d.id = j.device_id
        where j.finished_at is not null and j.started_at is not null
          and (j.finished_at, j.id) > (${watermark.at}::timestamptz, ${watermark.id}::uuid)
        order by j.finished_at, j.id`),
    );
    for (const row of rows) durations.observe({ plugin: row.plugin }, Math.max(0, Number(row.seconds)));
    const last = rows.at(-1);
    if (last) watermark = { at: last.finishedAt, id: last.id };
  }

  new Gauge({
    name: 'devicevault_devices',
    help: 'Devices by backup state (FRESH, STALE, FAILING, NEVER, DISABLED).',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const rows = rowsOf<{ state: string; count: number }>(
        await db.execute(
          sql`/* metricsDevices */ select backup_state as state, count(*)::int as count from devices group by 1`,
        ),
      );
      for (const state of deviceStates) this.set({ state }, rows.find((row) => row.state === state)?.count ?? 0);
    },
  });

  new Gauge({
    name: 'devicevault_queue_depth',
    help: 'Jobs waiting to run (queued).',
    registers: [registry],
    async collect() {
      const [row] = rowsOf<{ count: number }>(
        await db.execute(sql`/* metricsQueueDepth */ select count(*)::int as count from jobs where status = 'queued'`),
      );
      this.set(row?.count ?? 0);
    },
  });

  new Counter({
    name: 'devicevault_notifications_total',
    help: 'Notification send attempts by channel kind and outcome (delivered, failed), and notifications given up (dead).',
    labelNames: ['channel_kind', 'outcome'],
    registers: [registry],
    async collect() {
      const rows = rowsOf<{ kind: string; outcome: string; count: number }>(
        await db.execute(sql`
          /* metricsNotifications */
          select c.kind, case when a.delivered then 'delivered' else 'failed' end as outcome, count(*)::int as count
          from notification_attempts a join notifications n on n.id = a.notification_id
            join notification_channels c on c.id = n.channel_id
          group by 1, 2
          union all
          select c.kind, 'dead', count(*)::int from notifications n join notification_channels c on c.id = n.channel_id
          where n.state = 'dead' group by 1`),
      );
      this.reset();
      for (const row of rows) this.inc({ channel_kind: row.kind, outcome: row.outcome }, row.count);
    },
  });

  new Gauge({
    name: 'devicevault_open_alerts',
    help: 'Alerts not yet resolved (open or acknowledged).',
    registers: [registry],
    async collect() {
      const [row] = rowsOf<{ count: number }>(
        await db.execute(
          sql`/* metricsOpenAlerts */ select count(*)::int as count from alerts where state <> 'RESOLVED'`,
        ),
      );
      this.set(row?.count ?? 0);
    },
  });

  new Gauge({
    name: 'devicevault_graphql_subscriptions',
    help: 'GraphQL subscriptions open on this process.',
    registers: [registry],
    collect() {
      this.set(deps.graphqlSubscriptions());
    },
  });

  return {
    contentType: registry.contentType,
    async render(): Promise<string> {
      await observeFinishedJobs();
      return registry.metrics();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
