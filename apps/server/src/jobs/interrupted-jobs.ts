/**
 * Jobs whose runner died: their lease expired while running or storing. They go back to the queue without
 * counting as an attempt (the device did nothing wrong), with a log line saying so; after `maxInterruptions`
 * dead runners a job fails with worker_died instead. Jobs this process is running are never touched, even
 * when a blocked main thread let their lease lapse (their heartbeat renews it once the thread runs again).
 */
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import type { JobLogLine } from '@devicevault/schema/db/tables';
import { sql } from 'drizzle-orm';
import { maxInterruptions } from './job-queue.js';

export interface InterruptedJob {
  jobId: string;
  deviceId: string;
  line: JobLogLine;
}

export async function requeueInterruptedJobs(db: Database, running: readonly string[]): Promise<InterruptedJob[]> {
  const result = await db.execute(sql`
    /* requeueInterruptedJobs */
    with expired as (
      select id, interruptions + 1 >= ${maxInterruptions} as give_up from jobs
      where status in ('running', 'storing') and lease_expires_at < now()
        and id not in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(running)}::jsonb))
      for update skip locked
    )
    update jobs j set
      status = case when e.give_up then 'failed' else 'queued' end,
      attempts = case when e.give_up then j.attempts else greatest(j.attempts - 1, 0) end,
      interruptions = j.interruptions + 1,
      lease_owner = null,
      lease_expires_at = null,
      finished_at = case when e.give_up then now() end,
      error_code = case when e.give_up then 'worker_died' end,
      error_message = case when e.give_up then ${gaveUp} end,
      log = j.log || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
        'seq', (select coalesce(max((line ->> 'seq')::int), -1) + 1 from jsonb_array_elements(j.log) line),
        'at', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'status', case when e.give_up then 'failed' else 'queued' end,
        'message', case when e.give_up then ${gaveUp} else ${retrying} end,
        'errorCode', case when e.give_up then 'worker_died' end)))
    from expired e
    where j.id = e.id
    returning j.id as "jobId", j.device_id as "deviceId", j.log -> -1 as line`);
  return rowsOf<InterruptedJob>(result);
}

const retrying = 'The process running this job stopped; it runs again (not counted as an attempt)';
const gaveUp = `gave up: the process running it stopped ${maxInterruptions} times`;
