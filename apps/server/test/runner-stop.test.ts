/**
 * A busy runner stopping, with a real database and a pool whose collections wait until they are stopped: every
 * job in flight is halted by its own controller (128 listeners on one shared stop signal set off Node's
 * listener-leak warning on every busy server), and each goes back to the queue for the next runner.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { devices, jobs } from '@devicevault/schema/db/tables';
import { inArray } from 'drizzle-orm';
import { type OpenDatabase, openDatabase } from '../src/db/open-database.js';
import type { CollectOutcome } from '../src/jobs/collect-task.js';
import type { CollectPool } from '../src/jobs/pool.js';
import { createJobRunner } from '../src/jobs/runner.js';
import { createLogger } from '../src/log.js';
import { createDeviceVaultPubSub } from '../src/pubsub.js';
import { createSecretBox } from '../src/secrets/secret-box.js';
import { createStorageRegistry } from '../src/storage/storage-registry.js';
import { freshDatabaseUrl } from './support/test-database.js';

const jobsInFlight = 128;

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

async function waitFor(check: () => boolean, what: string) {
  // Minutes of patience: only a thing that never happens fails.
  for (const deadline = Date.now() + 2 * 60_000; !check(); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a runner stopping with its jobs in flight', () => {
  it('halts every job without a listener-leak warning and gives each back to the queue', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const running = new Set<string>();
    const halted: string[] = [];
    // A collection that waits until the runner stops it, as a device that has not answered yet.
    const pool: CollectPool = {
      run(task, { signal }) {
        running.add(task.jobId);
        return new Promise<CollectOutcome>((resolve) =>
          signal.addEventListener(
            'abort',
            () => {
              halted.push(task.jobId);
              resolve({ ok: false, code: 'timeout', message: String(signal.reason) });
            },
            { once: true },
          ),
        );
      },
      async close() {},
    };
    const events = await createDeviceVaultPubSub();
    const runner = createJobRunner({
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
    });
    const fleet = await database.db
      .insert(devices)
      .values(
        Array.from({ length: jobsInFlight }, (_, index) => ({
          name: `busy-${index}`,
          host: '127.0.0.1',
          pluginKey: 'noop',
        })),
      )
      .returning();
    const queued = await database.db
      .insert(jobs)
      .values(fleet.map((device) => ({ deviceId: device.id })))
      .returning();

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
    assert.equal(new Set(halted).size, jobsInFlight);
    const rows = await database.db
      .select({ status: jobs.status, leaseOwner: jobs.leaseOwner })
      .from(jobs)
      .where(
        inArray(
          jobs.id,
          queued.map((job) => job.id),
        ),
      );
    assert.deepEqual(new Set(rows.map((row) => `${row.status} ${row.leaseOwner}`)), new Set(['queued null']));
  });
});
