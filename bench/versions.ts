/**
 * The newest 50 versions of a device with 100k versions, through GraphQL over HTTP (keyset pagination on
 * the (device_id, created_at desc, id desc) index), versus the same query for a device with 50 versions
 * in the same database. Goal: p95 ≤ 20 ms at 100k versions, independent of history length.
 */

import { devices } from '@devicevault/schema/db/tables';
import { sql } from 'drizzle-orm';
import { percentile, startBenchApp } from './support/bench-app.js';

const versions = 100_000;
const iterations = 300;

const query = `query ($id: ID!, $after: String) {
  device(id: $id) { backups(first: 50, after: $after) { edges { cursor node { id createdAt changed size } } pageInfo { hasNextPage endCursor } } }
}`;

const bench = await startBenchApp();
try {
  const db = bench.app.database.db;
  const [big, small] = await db
    .insert(devices)
    .values([
      { name: 'bench-history-100k', host: '127.0.0.1', pluginKey: 'noop' },
      { name: 'bench-history-50', host: '127.0.0.1', pluginKey: 'noop' },
    ])
    .returning();
  const seed = (deviceId: string, count: number) =>
    db.execute(sql`
      /* seedBenchVersions */
      insert into backups (device_id, is_binary, sha256, size, storage_kind, storage_ref, changed, created_at)
      select ${deviceId}::uuid, false, md5(g::text) || md5((g + 1)::text), 1000 + g % 5000, 'fs',
             md5(g::text) || md5((g + 1)::text), g % 7 = 0, now() - (g * interval '1 minute')
      from generate_series(1, ${count}) g`);
  const seeding = performance.now();
  await seed(big!.id, versions);
  await seed(small!.id, 50);
  await db.execute(sql`analyze backups`);
  const seededMs = performance.now() - seeding;

  async function measure(deviceId: string) {
    const times: number[] = [];
    for (let i = 0; i < 20; i++) await bench.gql(query, { id: deviceId });
    for (let i = 0; i < iterations; i++) {
      const start = performance.now();
      const result = await bench.gql(query, { id: deviceId });
      times.push(performance.now() - start);
      const edges = (result.data as { device: { backups: { edges: unknown[] } } }).device.backups.edges;
      if (edges.length !== 50) throw new Error(`expected 50 versions, got ${edges.length}`);
    }
    return { p50: percentile(times, 50), p95: percentile(times, 95) };
  }

  async function timeQuery(run: () => Promise<unknown>) {
    const times: number[] = [];
    for (let i = 0; i < 20; i++) await run();
    for (let i = 0; i < iterations; i++) {
      const start = performance.now();
      await run();
      times.push(performance.now() - start);
    }
    return { p50: percentile(times, 50), p95: percentile(times, 95) };
  }

  // Baselines in the same run: an authenticated request that reads nothing, and the same 50 of a short history.
  const empty = await timeQuery(() => bench.gql('{ __typename }'));
  const baseline = await measure(small!.id);
  const ours = await measure(big!.id);
  // The data access alone (what history length could affect): the keyset page query on the 100k device.
  const direct = await timeQuery(() =>
    db.execute(sql`
      /* benchLatestVersions */
      select * from backups where device_id = ${big!.id}
      order by created_at desc nulls last, id desc nulls last limit 51`),
  );
  const show = (label: string, r: { p50: number; p95: number }) =>
    console.log(`${label.padEnd(40)} p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms`);
  console.log(`database: ${bench.app.database.kind}; seeded ${versions} versions in ${(seededMs / 1000).toFixed(1)} s`);
  console.log(`over HTTP, ${iterations} sequential requests each:`);
  show('authenticated { __typename } (floor)', empty);
  show('latest 50 of 50 versions', baseline);
  show('latest 50 of 100k versions (goal <=20)', ours);
  show('the page query alone, 100k versions', direct);
  console.log(
    `ratio 100k/50 versions (p95): ${(ours.p95 / baseline.p95).toFixed(2)} (history length should not matter)`,
  );
  console.log(`versions_p95_ms=${ours.p95.toFixed(2)}`);
  console.log(`versions_p95_ratio=${(ours.p95 / baseline.p95).toFixed(3)}`);
  console.log(`versions_query_p95_ms=${direct.p95.toFixed(2)}`);
  console.log(`request_floor_p95_ms=${empty.p95.toFixed(2)}`);
} finally {
  await bench.stop();
}
