/**
 * The jobs table as a queue: claims with FOR UPDATE SKIP LOCKED and a lease, so several processes can
 * share one PostgreSQL. A job has one owner at a time: every write after the claim names the lease
 * (owner + attempt) and changes nothing once the lease was lost, so a job ends with exactly one outcome.
 * A job whose owner died (its lease expired) goes back to the queue without counting as an attempt.
 */
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import { type JobLogLine, type JobRow, jobs } from '@devicevault/schema/db/tables';
import { and, eq, inArray, sql } from 'drizzle-orm';

/** Who holds a job: the runner that claimed it and the attempt it claimed. */
export interface Lease {
  jobId: string;
  owner: string;
  attempt: number;
}

/** After this many dead owners a job fails with worker_died: it may be what kills them. */
export const maxInterruptions = 5;

/** Claims the next due job, never one in `running` (jobs this process is running already). */
export async function claimNextJob(
  db: Database,
  owner: string,
  leaseMs: number,
  running: readonly string[],
): Promise<JobRow | null> {
  const result = await db.execute(sql`
    /* claimNextJob */
    update jobs set
      status = 'running',
      attempts = attempts + 1,
      lease_owner = ${owner},
      lease_expires_at = now() + (${leaseMs} * interval '1 millisecond'),
      started_at = coalesce(started_at, now())
    where id = (
      select id from jobs
      where status = 'queued' and run_after <= now()
        and id not in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(running)}::jsonb))
      order by run_after, created_at
      limit 1
      for update skip locked
    )
    returning id`);
  const [claimed] = rowsOf<{ id: string }>(result);
  if (!claimed) return null;
  const [job] = await db.select().from(jobs).where(eq(jobs.id, claimed.id));
  return job ?? null;
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
  const written = await db
    .update(jobs)
    .set({ ...patch, status: line.status, log: sql`${jobs.log} || ${JSON.stringify([line])}::jsonb` })
    .where(
      and(
        eq(jobs.id, lease.jobId),
        eq(jobs.leaseOwner, lease.owner),
        eq(jobs.attempts, lease.attempt),
        inArray(jobs.status, ['running', 'storing']),
      ),
    )
    .returning({ id: jobs.id });
  return written.length === 1;
}

/** Gives back this process's unfinished jobs on shutdown so another runner (or our restart) takes them. */
export async function releaseJobs(db: Database, owner: string) {
  await db
    .update(jobs)
    .set({ status: 'queued', leaseOwner: null, leaseExpiresAt: null, attempts: sql`greatest(${jobs.attempts} - 1, 0)` })
    .where(and(eq(jobs.leaseOwner, owner), inArray(jobs.status, ['running', 'storing'])));
}

export function nextSeq(job: Pick<JobRow, 'log'>): number {
  return job.log.reduce((max, line) => Math.max(max, line.seq), -1) + 1;
}
