/**
 * Cancelling a job: a queued or running job ends `failed` with code `cancelled` in one conditional statement
 * (which also takes the lease away, so the runner's later writes — its store step included — change nothing),
 * the line is published, and `jobCancelled` tells the runner holding it to abort the collection now.
 */
import type { JobQueuePort } from '@devicevault/schema/context';
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import type { JobLogLine } from '@devicevault/schema/db/tables';
import type { DeviceVaultPubSub } from '@devicevault/schema/pubsub';
import { sql } from 'drizzle-orm';

export function createCancelJob(deps: { db: Database; pubsub: DeviceVaultPubSub }): JobQueuePort['cancel'] {
  return async function cancel(jobId, by) {
    const message = `Cancelled by ${by.label}`;
    const result = await deps.db.execute(sql`
      /* cancelJob */
      update jobs j set
        status = 'failed', error_code = 'cancelled', error_message = ${message}, finished_at = now(),
        lease_owner = null, lease_expires_at = null,
        log = j.log || jsonb_build_array(jsonb_build_object(
          'seq', (select coalesce(max((line ->> 'seq')::int), -1) + 1 from jsonb_array_elements(j.log) line),
          'at', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'status', 'failed', 'message', ${message}::text, 'errorCode', 'cancelled'))
      where j.id = ${jobId} and j.status in ('queued', 'running', 'storing')
      returning j.device_id as "deviceId", j.log -> -1 as line`);
    const [row] = rowsOf<{ deviceId: string; line: JobLogLine }>(result);
    if (!row) return false;
    const event = { ...row.line, jobId, deviceId: row.deviceId };
    deps.pubsub.publish('jobCancelled', { jobId });
    deps.pubsub.publish('jobProgress', jobId, event);
    deps.pubsub.publish('jobEvents', event);
    return true;
  };
}
