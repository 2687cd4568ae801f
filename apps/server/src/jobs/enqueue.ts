/**
 * The one way a job is queued (the triggerBackup mutation, the scheduler, the demo fleet): one INSERT … SELECT
 * for any number of devices that skips a device with a queued or running job, one audit row, each job's
 * `queued` line published live, and the runner woken.
 */
import type { EnqueueRequest, EnqueueResult, JobQueuePort } from '@devicevault/schema/context';
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import type { JobLogLine } from '@devicevault/schema/db/tables';
import type { DeviceVaultPubSub } from '@devicevault/schema/pubsub';
import { sql } from 'drizzle-orm';
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
}

export function createEnqueue(deps: EnqueueDeps): JobQueuePort['enqueue'] {
  const audit = createAudit(deps.db, deps.log, { viewer: null, sourceAddress: null });
  return async function enqueue(request: EnqueueRequest): Promise<EnqueueResult> {
    const ids = [...new Set(request.deviceIds)];
    const line: JobLogLine = { seq: 0, at: new Date().toISOString(), status: 'queued', message: queuedBy(request) };
    const queued = await insertJobs(
      deps.db,
      ids.filter((id) => uuidPattern.test(id)),
      request.trigger,
      line,
    );
    const queuedIds = new Set(queued.map((job) => job.deviceId));
    const skipped = await explainSkipped(
      deps.db,
      ids.filter((id) => !queuedIds.has(id)),
    );
    for (const job of queued) {
      const event = { ...line, jobId: job.jobId, deviceId: job.deviceId };
      deps.pubsub.publish('jobProgress', job.jobId, event);
      deps.pubsub.publish('jobEvents', event);
    }
    await audit.record({
      action: 'jobs.enqueue',
      outcome: 'success',
      actorUserId: request.requestedBy.userId,
      actorLabel: request.requestedBy.label,
      ...(ids.length === 1 ? { targetType: 'device', targetId: ids[0]! } : {}),
      details: { trigger: request.trigger, queued: queued.length, skipped: skipped.length },
    });
    if (queued.length > 0) deps.wake();
    return { queued, skipped };
  };
}

function queuedBy(request: EnqueueRequest): string {
  if (request.trigger === 'manual') return `Queued on request by ${request.requestedBy.label}`;
  return `Queued by ${request.trigger}`;
}

async function insertJobs(db: Database, ids: string[], trigger: string, line: JobLogLine) {
  if (ids.length === 0) return [];
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${enqueueLockId})`);
    // The ids travel as one JSON parameter: a fleet of any size stays one statement with two parameters.
    const result = await tx.execute(sql`
      /* enqueueJobs */
      insert into jobs (device_id, trigger, log)
      select d.id, ${trigger}, ${JSON.stringify([line])}::jsonb
      from devices d
      where d.id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
        and d.enabled
        and not exists (
          select 1 from jobs j where j.device_id = d.id and j.status in ('queued', 'running', 'storing'))
      returning id as "jobId", device_id as "deviceId"`);
    return rowsOf<{ jobId: string; deviceId: string }>(result);
  });
}

/** Why each device that was asked for got no job (for the caller; one query, only when something was skipped). */
async function explainSkipped(db: Database, ids: string[]): Promise<EnqueueResult['skipped']> {
  if (ids.length === 0) return [];
  const valid = ids.filter((id) => uuidPattern.test(id));
  const rows = valid.length
    ? rowsOf<{ id: string; enabled: boolean; activeJobId: string | null }>(
        await db.execute(sql`
          /* explainSkippedJobs */
          select d.id, d.enabled,
            (select j.id from jobs j where j.device_id = d.id and j.status in ('queued', 'running', 'storing')
             order by j.created_at desc limit 1) as "activeJobId"
          from devices d
          where d.id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(valid)}::jsonb))`),
      )
    : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((deviceId) => {
    const row = byId.get(deviceId);
    if (!row) return { deviceId, reason: 'missing', activeJobId: null };
    if (row.activeJobId) return { deviceId, reason: 'active', activeJobId: row.activeJobId };
    return { deviceId, reason: row.enabled ? 'active' : 'disabled', activeJobId: null };
  });
}
