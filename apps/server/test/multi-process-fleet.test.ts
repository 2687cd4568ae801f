/**
 * Two server processes on one PostgreSQL: a per-minute schedule over ten (fake) minutes gives every device
 * exactly one job per slot between them, and a collection group's cap of 2 holds across both while 20 jobs
 * run. PGlite serves one process only, so this is PostgreSQL-only (as multi-process.test.ts).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRecording } from '@devicevault/plugins/replay/load-recording';
import { type ReplayServer, startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { rowsOf } from '@devicevault/schema/db/database';
import { collectionGroups, jobs, scheduleSlots } from '@devicevault/schema/db/tables';
import { slotsBetween } from '@devicevault/schema/schedule';
import { eq, sql } from 'drizzle-orm';
import { mutate } from './support/api-builders.js';
import { createCredential } from './support/builders.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const skip = process.env.DATABASE_URL ? false : 'needs PostgreSQL (DATABASE_URL): PGlite serves one process only';
const fixtures = fileURLToPath(new URL('../../../packages/plugins/fixtures/device-sessions/', import.meta.url));

async function until<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let waited = 0; waited < 300_000; waited += 50) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

async function createMember(server: TestServer, input: Record<string, unknown>) {
  const payload = await mutate(server, 'createDevice', { host: '127.0.0.1', ...input }, 'device { id }');
  assert.equal(payload.__typename, 'CreateDeviceSuccess', JSON.stringify(payload));
  return payload.device.id as string;
}

describe('two servers on one PostgreSQL database: schedules and caps', { skip }, () => {
  let first: TestServer;
  let second: TestServer;
  // Both processes read one clock: real time until `speedUp`, then a minute every 5 real seconds (time for a loaded machine to finish the slot's jobs), until frozen.
  let fastSince: { real: number; fake: number } | null = null;
  let frozenAt: number | null = null;
  const clock = () => {
    if (frozenAt !== null) return new Date(frozenAt);
    if (!fastSince) return new Date();
    return new Date(fastSince.fake + (Date.now() - fastSince.real) * 12);
  };
  const speedUp = () => {
    fastSince = { real: Date.now(), fake: Date.now() };
  };

  before(async () => {
    first = await startTestServer({}, { clock, schedulerTickMs: 100 });
    second = await startTestServer(
      { dataDir: first.dataDir, databaseUrl: first.databaseUrl },
      { clock, schedulerTickMs: 100 },
    );
  });
  after(async () => {
    await second?.stop();
    await first?.stop();
  });

  it('queues exactly one job per device for every slot of a per-minute schedule over ten minutes', async (t) => {
    const payload = await mutate(
      first,
      'createCollectionGroup',
      { name: 'every-minute', schedule: '* * * * *' },
      'collectionGroup { id }',
    );
    const groupId = payload.collectionGroup.id as string;
    const deviceIds = [];
    for (let i = 0; i < 5; i++)
      deviceIds.push(await createMember(first, { name: `minute-${i}`, pluginKey: 'noop', collectionGroupId: groupId }));
    const { db } = first.app.database;
    const [group] = await db.select().from(collectionGroups).where(eq(collectionGroups.id, groupId));
    speedUp();

    await until(
      async () => (clock().getTime() >= group!.createdAt.getTime() + 10 * 60_000 + 30_000 ? true : undefined),
      'ten minutes',
    );
    frozenAt = clock().getTime();
    const slots = slotsBetween(group!, group!.createdAt, new Date(frozenAt));
    // The schedulers keep ticking on the frozen clock: wait until one of them has dealt with the last slot.
    await until(async () => {
      const dealt = await db.select().from(scheduleSlots).where(eq(scheduleSlots.collectionGroupId, groupId));
      return dealt.length >= slots.length ? true : undefined;
    }, 'every slot dealt with');
    await until(async () => {
      const [open] = rowsOf<{ n: number }>(
        await db.execute(sql`select count(*)::int as n from jobs where status in ('queued', 'running', 'storing')`),
      );
      return open!.n === 0 ? true : undefined;
    }, 'every job ended');

    const fired = await db.select().from(scheduleSlots).where(eq(scheduleSlots.collectionGroupId, groupId));
    const perDevice = rowsOf<{ deviceId: string; n: number; succeeded: number }>(
      await db.execute(sql`
        select device_id as "deviceId", count(*)::int as n, count(*) filter (where status = 'succeeded')::int as succeeded
        from jobs where trigger = 'schedule' and device_id in (select id from devices where collection_group_id = ${groupId})
        group by device_id`),
    );
    t.diagnostic(`${slots.length} slots fired, ${perDevice.length} devices × ${perDevice[0]?.n} jobs`);
    assert.ok(slots.length >= 10, `${slots.length} slots`);
    assert.deepEqual(
      fired.map((slot) => `${slot.slotAt.toISOString()} ${slot.outcome}`).sort(),
      slots.map((slot) => `${slot.toISOString()} fired`),
    );
    assert.deepEqual(
      perDevice.map((row) => [row.n, row.succeeded]),
      deviceIds.map(() => [slots.length, slots.length]),
    );
  });

  it('never runs more than 2 jobs of a group capped at 2 at once, with 20 queued across both servers', async (t) => {
    frozenAt = clock().getTime();
    let replay: ReplayServer | undefined;
    try {
      const recording = await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml'));
      replay = await startReplayServer(recording, { username: 'netops', password: 'pw' });
      const credential = await createCredential(first, { username: 'netops', secret: 'pw' });
      const payload = await mutate(
        first,
        'createCollectionGroup',
        { name: 'capped', maxConcurrent: 2 },
        'collectionGroup { id }',
      );
      const groupId = payload.collectionGroup.id as string;
      for (let i = 0; i < 20; i++)
        await createMember(first, {
          name: `capped-${i}`,
          port: replay.port,
          pluginKey: 'cisco_ios',
          credentialId: credential.id,
          collectionGroupId: groupId,
        });
      const { db } = first.app.database;
      let sampling = true;
      let most = 0;
      let samples = 0;
      const sampler = (async () => {
        while (sampling) {
          const [row] = rowsOf<{ n: number }>(
            await db.execute(sql`
              select count(*)::int as n from jobs j join devices d on d.id = j.device_id
              where d.collection_group_id = ${groupId} and j.status in ('running', 'storing')`),
          );
          most = Math.max(most, row!.n);
          samples++;
        }
      })();

      const triggered = await first.gql(
        'mutation ($id: ID!) { triggerBackup(input: { collectionGroupId: $id }) { ... on TriggerBackupSuccess { queuedCount } } }',
        { id: groupId },
      );
      const ended = await until(async () => {
        const rows = await db
          .select({ id: jobs.id, status: jobs.status })
          .from(jobs)
          .where(sql`${jobs.deviceId} in (select id from devices where collection_group_id = ${groupId})`);
        return rows.every((row) => row.status === 'succeeded' || row.status === 'failed') ? rows : undefined;
      }, 'all 20 jobs ended');
      sampling = false;
      await sampler;

      assert.equal(triggered.data.triggerBackup.queuedCount, 20);
      assert.deepEqual(
        ended.map((row) => row.status),
        Array(20).fill('succeeded'),
      );
      assert.ok(most <= 2, `${most} ran at once (${samples} samples)`);
      assert.equal(most, 2, `the cap was reached (${samples} samples)`);
      const ranOnFirst = ended.filter((job) =>
        first.logLines.some((line) => line.includes('job succeeded') && line.includes(job.id)),
      ).length;
      t.diagnostic(
        `at most ${most} running in ${samples} samples; first server ran ${ranOnFirst}, second ${20 - ranOnFirst}`,
      );
      // Which server takes a freed slot is a race (usually both do); the cap holds in the claim either way.
    } finally {
      await replay?.close();
    }
  });
});
