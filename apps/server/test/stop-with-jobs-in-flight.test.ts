/**
 * The runner and the remote-collector hub stopping with jobs in flight, on a real database: every job is halted
 * by its own controller because the server is stopping (128 listeners on one shared stop signal set off Node's
 * listener-leak warning on every busy server), and each goes back to the queue at once, its attempt not counted,
 * rather than when its lease expires.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { devices, jobs, zones } from '@devicevault/schema/db/tables';
import { eq, inArray } from 'drizzle-orm';
import { createCollectorHub } from '../src/collectors/collector-hub.js';
import { type OpenDatabase, openDatabase } from '../src/db/open-database.js';
import type { CollectOutcome } from '../src/jobs/collect-task.js';
import type { CollectPool } from '../src/jobs/pool.js';
import { createJobRunner, type JobRunnerDeps } from '../src/jobs/runner.js';
import { createLogger } from '../src/log.js';
import { createDeviceVaultPubSub } from '../src/pubsub.js';
import { createSecretBox } from '../src/secrets/secret-box.js';
import { createStorageRegistry } from '../src/storage/storage-registry.js';
import { freshDatabaseUrl } from './support/test-database.js';

const jobsInFlight = 128;
// The hub's pool is never asked to collect: a remote job's collection is the collector's.
const never = new Promise<CollectOutcome>(() => {});

let dataDir: string;
let database: OpenDatabase;
let dropDatabase: () => Promise<void>;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dv-runner-stop-'));
  const fresh = await freshDatabaseUrl();
  dropDatabase = fresh.drop;
  database = await openDatabase({ url: fresh.url, pgliteDir: join(dataDir, 'pglite') });
});

after(async () => {
  await database.close();
  await dropDatabase();
  await rm(dataDir, { recursive: true, force: true });
});

async function jobDeps(pool: CollectPool): Promise<JobRunnerDeps> {
  const events = await createDeviceVaultPubSub();
  return {
    db: database.db,
    pool,
    storage: createStorageRegistry({ db: database.db, dataDir }),
    secrets: createSecretBox(randomBytes(32)),
    pubsub: events.pubsub,
    log: createLogger('silent'),
    spoolRoot: join(dataDir, 'spool'),
    concurrency: jobsInFlight,
    defaultTimeoutSeconds: 600,
    maxTextBytes: 1024 * 1024,
    pollMs: 50,
  };
}

async function queueJobs(count: number, zoneId?: string) {
  const fleet = await database.db
    .insert(devices)
    .values(
      Array.from({ length: count }, () => ({
        name: `busy-${randomBytes(4).toString('hex')}`,
        host: '127.0.0.1',
        pluginKey: 'noop',
        zoneId,
      })),
    )
    .returning();
  return database.db
    .insert(jobs)
    .values(fleet.map((device) => ({ deviceId: device.id })))
    .returning();
}

/** Each job's status, lease owner and attempts, as `status owner attempts`. */
async function statesOf(ids: string[]) {
  const rows = await database.db
    .select({ status: jobs.status, leaseOwner: jobs.leaseOwner, attempts: jobs.attempts })
    .from(jobs)
    .where(inArray(jobs.id, ids));
  return new Set(rows.map((row) => `${row.status} ${row.leaseOwner} ${row.attempts}`));
}

async function waitFor(check: () => boolean, what: string) {
  // Minutes of patience: only a thing that never happens fails.
  for (const deadline = Date.now() + 2 * 60_000; !check(); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('stopping with jobs in flight', () => {
  it('the runner halts every job without a listener-leak warning and gives each back to the queue', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const running = new Set<string>();
    const reasons: string[] = [];
    // A collection that waits until the runner stops it, as a device that has not answered yet.
    const pool: CollectPool = {
      run(task, { signal }) {
        running.add(task.jobId);
        return new Promise<CollectOutcome>((resolve) =>
          signal.addEventListener(
            'abort',
            () => {
              reasons.push(String((signal.reason as Error).message));
              resolve({ ok: false, code: 'timeout', message: String(signal.reason) });
            },
            { once: true },
          ),
        );
      },
      async close() {},
    };
    const runner = createJobRunner(await jobDeps(pool));
    const queued = await queueJobs(jobsInFlight);

    runner.start();
    try {
      await waitFor(() => running.size === jobsInFlight, `${jobsInFlight} collections in flight`);
    } finally {
      await runner.stop();
      process.off('warning', onWarning);
    }

    assert.deepEqual(
      warnings.map((warning) => warning.name),
      [],
    );
    // Stopped by the runner, not by their own deadline (which would retry them as timeouts, attempts counted).
    assert.deepEqual(new Set(reasons), new Set(['server stopping']));
    assert.equal(reasons.length, jobsInFlight);
    assert.deepEqual(await statesOf(queued.map((job) => job.id)), new Set(['queued null 0']));
  });

  it('the runner stopping during a claim waits for it: no collection starts after stop() returns', async () => {
    let stopped = false;
    let lateRuns = 0;
    let stopping: Promise<void> | undefined;
    // Resolves at once when halted before it began (the jobs a stopping runner's claim still took).
    const pool: CollectPool = {
      run(_task, { signal }) {
        if (stopped) lateRuns++;
        const outcome: CollectOutcome = { ok: false, code: 'timeout', message: 'halted' };
        if (signal.aborted) return Promise.resolve(outcome);
        return new Promise((resolve) => signal.addEventListener('abort', () => resolve(outcome), { once: true }));
      },
      async close() {},
    };
    const runner = createJobRunner({
      ...(await jobDeps(pool)),
      // Asked for just before each claim's statement: the first one is told to stop while it is on its way.
      now: () => {
        stopping ??= runner.stop().then(() => {
          stopped = true;
        });
        return new Date();
      },
    });
    const queued = await queueJobs(8);

    runner.start();
    await waitFor(() => stopping !== undefined, 'the first claim');
    await stopping;
    // Whatever the claim took has run (and stopped) already: nothing begins later.
    await new Promise((resolve) => setTimeout(resolve, 200));

    assert.equal(lateRuns, 0);
    assert.deepEqual(await statesOf(queued.map((job) => job.id)), new Set(['queued null 0']));
  });

  it("the collector hub gives a collector's jobs back at once, and hands out none once halted", async () => {
    const [zone] = await database.db
      .insert(zones)
      .values({ name: `site-${randomBytes(4).toString('hex')}` })
      .returning();
    const collector = { id: randomBytes(8).toString('hex'), name: 'site-1', zoneId: zone!.id };
    const hub = createCollectorHub({
      ...(await jobDeps({ run: () => never, close: async () => {} })),
      leaseMs: 600_000,
      maxUploadBytes: 1024,
    });
    const queued = await queueJobs(3, zone!.id);

    const tasks = await hub.claim(collector, 4, 10_000, new AbortController().signal);
    assert.equal(tasks.length, 3);
    await hub.stop();

    assert.deepEqual(await statesOf(queued.map((job) => job.id)), new Set(['queued null 0']));
    // Stopped: a collector asking again gets nothing (and no credentials), the jobs stay queued.
    assert.deepEqual(await hub.claim(collector, 4, 100, new AbortController().signal), []);
    const [again] = await database.db.select({ status: jobs.status }).from(jobs).where(eq(jobs.id, queued[0]!.id));
    assert.equal(again!.status, 'queued');
  });

  it('the collector hub stopping during a claim waits for it and gives its jobs back too', async () => {
    const [zone] = await database.db
      .insert(zones)
      .values({ name: `site-${randomBytes(4).toString('hex')}` })
      .returning();
    const collector = { id: randomBytes(8).toString('hex'), name: 'site-2', zoneId: zone!.id };
    const hub = createCollectorHub({
      ...(await jobDeps({ run: () => never, close: async () => {} })),
      leaseMs: 600_000,
      maxUploadBytes: 1024,
    });
    const queued = await queueJobs(3, zone!.id);

    // The claim's statement is on its way when the hub is told to stop.
    const claiming = hub.claim(collector, 4, 10_000, new AbortController().signal);
    let claimEnded = false;
    void claiming.then(() => {
      claimEnded = true;
    });
    await hub.stop();

    // On PostgreSQL a release that did not wait could commit before the claim and miss its jobs.
    assert.ok(claimEnded, 'stop() returned before the claim under way ended');
    assert.deepEqual(await claiming, [], 'no task (and no credentials) from a stopping hub');
    assert.deepEqual(await statesOf(queued.map((job) => job.id)), new Set(['queued null 0']));
  });
});
