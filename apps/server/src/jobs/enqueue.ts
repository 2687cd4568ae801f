/**
 * The one way a job is queued (the triggerBackup mutation, the scheduler, change triggers, the demo fleet):
 * one INSERT … SELECT for any number of devices, given by id or selected (a device group, a collection group,
 * the fleet, within an operator's groups), that skips a device with a waiting job; one audit row, each job's
 * `queued` line published live, and the runner woken.
 */
import type { EnqueueRequest, EnqueueResult, JobQueuePort } from '@devicevault/schema/context';
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import type { JobLogLine } from '@devicevault/schema/db/tables';
import type { DeviceVaultPubSub } from '@devicevault/schema/pubsub';
import { type SQL, sql } from 'drizzle-orm';
import { createAudit } from '../audit/audit-log.js';
import type { Logger } from '../log.js';

// Enqueues take this transaction lock so two processes (two schedulers, a click and a schedule) can't both
// see "no active job" for a device and queue it twice.
const enqueueLockId = 727275;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface EnqueueDeps {
  db: Database;
  pubsub: DeviceVaultPubSub;
  log: Logger;
  /** Tells the local runner there is work, so it needn't wait for its next poll. */
  wake(): void;
  /** The clock jobs are due by (tests fake it). */
  now?: () => Date;
}

export function createEnqueue(deps: EnqueueDeps): JobQueuePort['enqueue'] {
  const audit = createAudit(deps.db, deps.log, { viewer: null, sourceAddress: null });
  const now = deps.now ?? (() => new Date());
  return async function enqueue(request: EnqueueRequest): Promise<EnqueueResult> {
    const ids = request.deviceIds ? [...new Set(request.deviceIds)] : null;
    const line: JobLogLine = { seq: 0, at: now().toISOString(), status: 'queued', message: queuedBy(request) };
    const { queued, matched } = await insertJobs(deps.db, request, ids, line, request.runAfter ?? now());
    // Published before anything else is awaited: a runner (of any process) may claim a job as soon as it is
    // committed and publish its "running" line, and a follower drops a line older than one it has seen.
    const deviceGroupAt = Date.now();
    for (const job of queued) {
      const event = {
        ...line,
        jobId: job.jobId,
        deviceId: job.deviceId,
        deviceGroupId: job.deviceGroupId,
        deviceGroupAt,
      };
      deps.pubsub.publish('jobProgress', job.jobId, event);
      deps.pubsub.publish('jobEvents', event);
    }
    const queuedIds = new Set(queued.map((job) => job.deviceId));
    const skipped = ids
      ? await explainSkipped(
          deps.db,
          ids.filter((id) => !queuedIds.has(id)),
        )
      : [];
    const skippedCount = matched - queued.length;
    await audit.record({
      action: 'jobs.enqueue',
      outcome: 'success',
      actorUserId: request.requestedBy.userId,
      actorLabel: request.requestedBy.label,
      ...(ids?.length === 1 ? { targetType: 'device', targetId: ids[0]! } : {}),
      details: { trigger: request.trigger, queued: queued.length, skipped: ids ? skipped.length : skippedCount },
    });
    if (queued.length > 0) deps.wake();
    return { queued, skipped, skippedCount };
  };
}

function queuedBy(request: EnqueueRequest): string {
  const by = request.changedBy ? ` (changed by ${request.changedBy})` : '';
  if (request.trigger === 'manual') return `Queued on request by ${request.requestedBy.label}`;
  if (request.trigger === 'change') return `Queued after a change reported by ${request.requestedBy.label}${by}`;
  return `Queued by ${request.trigger}`;
}

const jsonIds = (ids: readonly string[]) =>
  sql`(select value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`;

/** The devices a request names: by id, or by selection (always within `withinDeviceGroups` when given). */
function selection(request: EnqueueRequest, ids: string[] | null): SQL {
  const parts: SQL[] = [sql`d.enabled`, sql`d.archived_at is null`];
  const select = request.select ?? {};
  if (ids) parts.push(sql`d.id in ${jsonIds(ids.filter((id) => uuidPattern.test(id)))}`);
  else if (select.deviceGroupId) parts.push(sql`d.device_group_id = ${select.deviceGroupId}::uuid`);
  else if (select.collectionGroupId) parts.push(sql`d.collection_group_id = ${select.collectionGroupId}::uuid`);
  else if (!select.all) parts.push(sql`false`);
  if (select.withinDeviceGroups) parts.push(sql`d.device_group_id in ${jsonIds(select.withinDeviceGroups)}`);
  return sql.join(parts, sql` and `);
}

async function insertJobs(
  db: Database,
  request: EnqueueRequest,
  ids: string[] | null,
  line: JobLogLine,
  runAfter: Date,
): Promise<{ queued: { jobId: string; deviceId: string; deviceGroupId: string | null }[]; matched: number }> {
  if (ids && !ids.some((id) => uuidPattern.test(id))) return { queued: [], matched: 0 };
  const waiting = request.duplicateOnlyIfQueued ? ['queued'] : ['queued', 'running', 'storing'];
  const spread = Math.max(0, Math.floor(request.spreadSeconds ?? 0));
  const changedBy = request.changedBy ?? null;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${enqueueLockId})`);
    // Ids travel as one JSON parameter: a fleet of any size stays one statement. A device's start is the
    // request's instant plus its stable offset in the spread window (md5 of its id, as schedule.ts computes).
    const result = await tx.execute(sql`
      /* enqueueJobs */
      with matched as (
        select d.id, d.collection_group_id, d.device_group_id from devices d where ${selection(request, ids)}
      ),
      inserted as (
        insert into jobs (device_id, trigger, log, max_attempts, run_after, requested_by, changed_by)
        select m.id, ${request.trigger}, ${JSON.stringify([line])}::jsonb, coalesce(cg.max_attempts, 1),
          ${runAfter.toISOString()}::timestamptz + case when ${spread}::int > 0
            then (('x' || substr(md5(m.id::text), 1, 8))::bit(32)::bigint % ${spread}::int) * interval '1 second'
            else interval '0' end,
          ${request.requestedBy.label}, ${changedBy}
        from matched m left join collection_groups cg on cg.id = m.collection_group_id
        where not exists (
          select 1 from jobs j where j.device_id = m.id
            and j.status in (select value from jsonb_array_elements_text(${JSON.stringify(waiting)}::jsonb)))
        returning id, device_id
      )
      select i.id as "jobId", i.device_id as "deviceId", g.device_group_id as "deviceGroupId", c.n as matched
      from (select count(*)::int as n from matched) c left join inserted i on true
        left join matched g on g.id = i.device_id`);
    const rows = rowsOf<{
      jobId: string | null;
      deviceId: string | null;
      deviceGroupId: string | null;
      matched: number;
    }>(result);
    const queued = rows
      .filter((row) => row.jobId)
      .map((row) => ({ jobId: row.jobId!, deviceId: row.deviceId!, deviceGroupId: row.deviceGroupId }));
    // A change reported while a job waits: that job will collect it, and names the latest changer.
    if (changedBy && rows[0]!.matched > queued.length) {
      await tx.execute(sql`
        /* enqueueUpdateChangedBy */
        update jobs j set changed_by = ${changedBy}
        from devices d
        where d.id = j.device_id and j.status = 'queued' and ${selection(request, ids)}`);
    }
    return { queued, matched: Number(rows[0]?.matched ?? 0) };
  });
}

/** Why each device that was asked for got no job (for the caller; one query, only when something was skipped). */
async function explainSkipped(db: Database, ids: string[]): Promise<EnqueueResult['skipped']> {
  if (ids.length === 0) return [];
  const valid = ids.filter((id) => uuidPattern.test(id));
  const rows = valid.length
    ? rowsOf<{ id: string; collectable: boolean; activeJobId: string | null }>(
        await db.execute(sql`
          /* explainSkippedJobs */
          select d.id, d.enabled and d.archived_at is null as collectable,
            (select j.id from jobs j where j.device_id = d.id and j.status in ('queued', 'running', 'storing')
             order by j.created_at desc limit 1) as "activeJobId"
          from devices d
          where d.id in ${jsonIds(valid)}`),
      )
    : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((deviceId) => {
    const row = byId.get(deviceId);
    if (!row) return { deviceId, reason: 'missing', activeJobId: null };
    if (row.activeJobId) return { deviceId, reason: 'active', activeJobId: row.activeJobId };
    return { deviceId, reason: row.collectable ? 'active' : 'disabled', activeJobId: null };
  });
}
