/**
 * The jobs table as a queue: claims with FOR UPDATE SKIP LOCKED and a lease, so several processes can
 * share one PostgreSQL. A job has one owner at a time: every write after the claim names the lease
 * (owner + attempt) and changes nothing once the lease was lost, so a job ends with exactly one outcome.
 * A job whose owner died (its lease expired) goes back to the queue without counting as an attempt.
 */
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import { devices, type JobLogLine, type JobRow, type JobStatus, jobs } from '@devicevault/schema/db/tables';
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Bound, BoundFields } from '../db/bound.js';

/** Who holds a job: the runner that claimed it and the attempt it claimed. */
export interface Lease {
  jobId: string;
  owner: string;
  attempt: number;
}

/**
 * A claimed job with its device's group and when it was read (for its live lines' access checks). Its log
 * ends with the line the claim wrote ("Collecting …", status running), which the runner publishes at once:
 * written by the claim statement itself, it costs no write of its own and waits for nothing.
 */
export type ClaimedJob = JobRow & { deviceGroupId: string | null; deviceGroupAt: number };

/** After this many dead owners a job fails with worker_died: it may be what kills them. */
export const maxInterruptions = 5;

/** What a claim must respect besides the queue order: the clock, and the global cap (null: none). */
export interface ClaimLimits {
  now?: Date;
  maxConcurrent?: number | null;
  /**
   * Whose devices: a zone's id (its remote collectors claim through the server), or null/unset for devices
   * without a zone (the server's own pool, which never takes a zone's device: it may not reach it).
   */
  zoneId?: string | null;
}

// Claims take this transaction lock so the running counts they check (global and per collection group) can't
// be read by two processes at once: a cap holds across processes. Held for one short statement, never longer.
const claimLockId = 727276;

/** The next due job, or null (claimJobs with a batch of one). */
export async function claimNextJob(
  db: Database,
  owner: string,
  leaseMs: number,
  running: readonly string[],
  limits: ClaimLimits = {},
): Promise<ClaimedJob | null> {
  const [job] = await claimJobs(db, owner, leaseMs, running, limits, 1);
  return job ?? null;
}

/**
 * Claims up to `limit` due jobs in one statement, in queue order, never one in `running` (jobs this process
 * is running already) nor one whose device has a job running (a change reported during a run queues a job
 * that must compare with what that run stores, and a device gets one session at a time), skipping jobs
 * whose collection group is at its cap of running jobs (leases still
 * valid) or outside its backup window, and taking no more than the global cap leaves room for. Within one
 * batch, each group's and the global count go up by one per claimed job, so a batch never overshoots a cap.
 */
export async function claimJobs(
  db: Database,
  owner: string,
  leaseMs: number,
  running: readonly string[],
  limits: ClaimLimits,
  limit: number,
): Promise<ClaimedJob[]> {
  // The database's clock unless a fake one is given: run_after defaults to the database's now() with
  // microseconds, so a JavaScript millisecond time could miss a job inserted within the same millisecond.
  const now = limits.now ? sql`${limits.now.toISOString()}::timestamptz` : sql`statement_timestamp()`;
  const max = limits.maxConcurrent ?? null;
  const zone = limits.zoneId ? sql`d.zone_id = ${limits.zoneId}::uuid` : sql`d.zone_id is null`;
  // Each queued job reads its device by primary key (`offset 0` keeps that lookup from being merged into a
  // join) and the devices with a job running are hashed once: with statistics older than the queue (PGlite
  // has no autovacuum; a fleet just imported and triggered) the planner otherwise nested-looped every queued
  // job over every device, 50 ms per claim at 1,000 jobs instead of a few.
  const claimed = await db.transaction(async (tx) => {
    // The settings make the claim walk the queue in order on jobs_queue_idx and stop at the batch. Statistics lag
    // a burst (PGlite analyzes once a minute), and with a queue it believed tiny the planner sorted every queued
    // job, device lookups included, to take a few: 35 ms per claim at 3,000 queued, 1.6 ms this way. The sorts
    // it cannot avoid (the window functions) then cost billions in its estimate, which made PostgreSQL
    // JIT-compile every claim (0.7 s each): no JIT either. Both only for this transaction.
    await tx.execute(sql`
      /* claimJobsLock */
      select pg_advisory_xact_lock(${claimLockId}), set_config('enable_sort', 'off', true), set_config('jit', 'off', true)`);
    const result = await tx.execute(sql`
      /* claimJobs */
      with running_jobs as (
        select r.device_id from jobs r
        where r.status in ('running', 'storing') and r.lease_expires_at > now()
      ),
      busy as (
        select d.group_id, count(*)::int as n
        from running_jobs r
        cross join lateral (select collection_group_id as group_id from devices where id = r.device_id offset 0) d
        group by d.group_id
      ),
      candidates as (
        select j.id, j.device_id, j.run_after, j.created_at, cg.id as group_id, cg.max_concurrent,
          coalesce((select n from busy where group_id = cg.id), 0) as group_busy
        from jobs j
        cross join lateral (
          select zone_id, collection_group_id from devices where id = j.device_id offset 0
        ) d
        left join collection_groups cg on cg.id = d.collection_group_id
        where j.status = 'queued' and j.run_after <= ${now} and ${zone}
          and j.id not in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(running)}::jsonb))
          and j.device_id not in (select device_id from running_jobs)
          and (cg.max_concurrent is null
            or coalesce((select n from busy where group_id = cg.id), 0) < cg.max_concurrent)
          and (cg.window_start_minute is null or cg.window_end_minute is null or ${insideWindowSql(now)})
        order by j.run_after, j.created_at
        limit ${limit}
        for update of j skip locked
      ),
      within_group as (
        select c.id, c.run_after, c.created_at from (
          select c.*, row_number() over (partition by c.group_id order by c.run_after, c.created_at, c.id) as nth,
            row_number() over (partition by c.device_id order by c.run_after, c.created_at, c.id) as device_nth
          from candidates c
        ) c
        -- One job per device per batch (a retry and a change-triggered job can both be due).
        where c.device_nth = 1 and (c.max_concurrent is null or c.group_busy + c.nth <= c.max_concurrent)
      ),
      chosen as (
        select w.id from (
          select w.id, row_number() over (order by w.run_after, w.created_at, w.id) as nth from within_group w
        ) w
        where ${max}::int is null or (select coalesce(sum(n), 0) from busy) + w.nth <= ${max}::int
      )
      update jobs j set
        status = 'running',
        attempts = j.attempts + 1,
        lease_owner = ${owner},
        lease_expires_at = now() + (${leaseMs} * interval '1 millisecond'),
        started_at = coalesce(j.started_at, now()),
        log = j.log || jsonb_build_array(jsonb_build_object(
          'seq', (select coalesce(max((line->>'seq')::int), -1) + 1 from jsonb_array_elements(j.log) line),
          'at', to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'status', 'running',
          'message', format('Collecting %s (%s:%s) with %s', d.name, d.host, d.port, d.plugin_key),
          'attempt', j.attempts + 1))
      from devices d
      where d.id = j.device_id and j.id in (select id from chosen)
      returning j.id`);
    return rowsOf<{ id: string }>(result).map((row) => row.id);
  });
  if (claimed.length === 0) return [];
  // One statement text whatever the batch size, so it stays one prepared statement. The device's group rides
  // along for the job's live lines (subscriptions check access with it instead of reading it).
  const rows = await db
    .select({ job: jobs, deviceGroupId: devices.deviceGroupId })
    .from(jobs)
    .leftJoin(devices, eq(devices.id, jobs.deviceId))
    .where(sql`${jobs.id} in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(claimed)}::jsonb))`)
    .then((found) => found.map((row) => ({ ...row.job, deviceGroupId: row.deviceGroupId, deviceGroupAt: Date.now() })));
  return rows.sort(
    (a, b) => a.runAfter.getTime() - b.runAfter.getTime() || a.createdAt.getTime() - b.createdAt.getTime(),
  );
}

/** Is `now` inside the group's backup window, read in its time zone (start inclusive, end exclusive)? */
function insideWindowSql(now: SQL) {
  const minute = sql`(extract(hour from (${now} at time zone cg.time_zone)) * 60
    + extract(minute from (${now} at time zone cg.time_zone)))::int`;
  return sql`(case when cg.window_start_minute < cg.window_end_minute
    then ${minute} >= cg.window_start_minute and ${minute} < cg.window_end_minute
    else ${minute} >= cg.window_start_minute or ${minute} < cg.window_end_minute end)`;
}

/** Extends the lease while it is still ours; false means another runner took the job and ours must stop. */
export async function renewLease(db: Database, lease: Lease, leaseMs: number): Promise<boolean> {
  const result = await db.execute(sql`
    /* renewJobLease */
    update jobs set lease_expires_at = now() + (${leaseMs} * interval '1 millisecond')
    where id = ${lease.jobId} and lease_owner = ${lease.owner} and attempts = ${lease.attempt}
      and status in ('running', 'storing')
    returning id`);
  return rowsOf(result).length === 1;
}

/**
 * Appends one log line (and optionally changes status and other columns) in one statement, only while the
 * lease holds and the job is not finished: a terminal line is written once. False when nothing was written.
 */
export async function appendJobLog(
  db: Database,
  lease: Lease,
  line: JobLogLine,
  patch: Partial<JobRow> = {},
): Promise<boolean> {
  return appendJobLines(db, lease, [line], patch);
}

/** appendJobLog for several lines at once; the job takes the last line's status. */
export async function appendJobLines(
  db: Database,
  lease: Lease,
  lines: readonly JobLogLine[],
  patch: Partial<JobRow> = {},
): Promise<boolean> {
  if (lines.length === 0) return true;
  return (await jobLinesUpdate(db, lease, lines, patch)).length === 1;
}

/**
 * appendJobLines as a CTE of the statement that records the job's version (record-success.ts): it returns
 * the job's id when the lines were written, so `exists (select 1 from <it>)` holds exactly then. The lines go
 * as their JSON and the job takes `status` (the last line's).
 */
export function jobLinesCte(
  db: Database,
  lease: BoundFields<Lease>,
  status: JobStatus,
  linesJson: Bound<string>,
  patch: Partial<BoundFields<JobRow>> = {},
) {
  return db.$with('finished_job', {}).as(linesUpdate(db, lease, status, linesJson, patch).getSQL());
}

function jobLinesUpdate(db: Database, lease: Lease, lines: readonly JobLogLine[], patch: Partial<JobRow>) {
  return linesUpdate(db, lease, lines.at(-1)!.status, JSON.stringify(lines), patch);
}

function linesUpdate(
  db: Database,
  lease: BoundFields<Lease>,
  status: JobStatus,
  linesJson: Bound<string>,
  patch: Partial<BoundFields<JobRow>>,
) {
  return (
    db
      .update(jobs)
      // A placeholder in the patch is bound with its column's encoding when the statement runs, so its value must
      // be one that encoding takes (a Date for a timestamp, never null); drizzle's types only say values.
      .set({ ...(patch as Partial<JobRow>), status, log: sql`${jobs.log} || ${linesJson}::jsonb` })
      .where(
        and(
          eq(jobs.id, lease.jobId),
          eq(jobs.leaseOwner, lease.owner),
          eq(jobs.attempts, lease.attempt),
          inArray(jobs.status, ['running', 'storing']),
        ),
      )
      .returning({ id: jobs.id })
  );
}

/**
 * Gives back this process's unfinished jobs on shutdown so another runner (or our restart) takes them; only
 * `jobIds` of them when given (a remote collector giving back its own jobs).
 */
export async function releaseJobs(db: Database, owner: string, jobIds?: readonly string[]) {
  if (jobIds?.length === 0) return;
  await db
    .update(jobs)
    .set({ status: 'queued', leaseOwner: null, leaseExpiresAt: null, attempts: sql`greatest(${jobs.attempts} - 1, 0)` })
    .where(
      and(
        eq(jobs.leaseOwner, owner),
        inArray(jobs.status, ['running', 'storing']),
        jobIds ? inArray(jobs.id, [...jobIds]) : undefined,
      ),
    );
}

export function nextSeq(job: Pick<JobRow, 'log'>): number {
  return job.log.reduce((max, line) => Math.max(max, line.seq), -1) + 1;
}
