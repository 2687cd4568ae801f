/**
 * The jobs table as a queue: claims with FOR UPDATE SKIP LOCKED and a lease, so several processes can
 * share one PostgreSQL and a dead process's jobs are picked up again once its lease expires.
 */
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import { type JobLogLine, type JobRow, jobs } from '@devicevault/schema/db/tables';
import { and, eq, inArray, sql } from 'drizzle-orm';

export async function claimNextJob(db: Database, owner: string, leaseMs: number): Promise<JobRow | null> {
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
      where (status = 'queued' and run_after <= now())
         or (status in ('running', 'storing') and lease_expires_at < now())
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

export async function renewLease(db: Database, jobId: string, owner: string, leaseMs: number) {
  await db.execute(sql`
    /* renewJobLease */
    update jobs set lease_expires_at = now() + (${leaseMs} * interval '1 millisecond')
    where id = ${jobId} and lease_owner = ${owner}`);
}

/** Appends one log line (and optionally changes status and other columns) in a single statement. */
export async function appendJobLog(db: Database, jobId: string, line: JobLogLine, patch: Partial<JobRow> = {}) {
  await db
    .update(jobs)
    .set({ ...patch, status: line.status, log: sql`${jobs.log} || ${JSON.stringify([line])}::jsonb` })
    .where(eq(jobs.id, jobId));
}

/** Gives back this process's unfinished jobs on shutdown so another runner (or our restart) takes them. */
export async function releaseJobs(db: Database, owner: string) {
  await db
    .update(jobs)
    .set({ status: 'queued', leaseOwner: null, leaseExpiresAt: null, attempts: sql`greatest(${jobs.attempts} - 1, 0)` })
    .where(and(eq(jobs.leaseOwner, owner), inArray(jobs.status, ['running', 'storing'])));
}

export function nextSeq(job: JobRow): number {
  return job.log.reduce((max, line) => Math.max(max, line.seq), -1) + 1;
}
