/**
 * The Oxidized-compatible version list (`GET /oxidized/node/version.json?node_full=…`, what LibreNMS's config
 * tab calls) of a device with 100k versions, over HTTP with an API token, versus a device with 50 versions in
 * the same database. Goal: p95 ≤ 20 ms at 100k versions, independent of history length (served from the
 * backups index, no git walk).
 */
import { devices } from '@devicevault/schema/db/tables';
import { sql } from 'drizzle-orm';
import { percentile, startBenchApp } from './support/bench-app.js';

const versions = 100_000;
const iterations = 300;

const bench = await startBenchApp({ oxidizedApi: true });
try {
  const db = bench.app.database.db;
  const [big, small] = await db
    .insert(devices)
    .values([
      { name: 'bench-oxidized-100k', host: '127.0.0.1', pluginKey: 'noop' },
      { name: 'bench-oxidized-50', host: '127.0.0.1', pluginKey: 'noop' },
    ])
    .returning();
  // Every version a change, as each is a commit in Oxidized's git output.
  const seed = (deviceId: string, count: number) =>
    db.execute(sql`
      /* seedBenchOxidizedVersions */
      insert into backups (device_id, is_binary, sha256, size, storage_kind, storage_ref, changed, changed_by, created_at)
      select ${deviceId}::uuid, false, md5(g::text) || md5((g + 1)::text), 1000 + g % 5000, 'fs',
             md5(g::text) || md5((g + 1)::text), true, case when g % 3 = 0 then 'alice' end,
             now() - (g * interval '1 minute')
      from generate_series(1, ${count}) g`);
  const seeding = performance.now();
  await seed(big!.id, versions);
  await seed(small!.id, 50);
  await db.execute(sql`analyze backups`);
  const seededMs = performance.now() - seeding;
  const headers = { authorization: `Bearer ${bench.apiToken}` };

  async function measure(path: string, expected: number) {
    const times: number[] = [];
    const once = async () => {
      const start = performance.now();
      const response = await fetch(`${bench.url}/oxidized${path}`, { headers });
      const list = (await response.json()) as unknown[];
      const elapsed = performance.now() - start;
      if (list.length !== expected) throw new Error(`${path}: expected ${expected} versions, got ${list.length}`);
      return elapsed;
    };
    for (let i = 0; i < 20; i++) await once();
    for (let i = 0; i < iterations; i++) times.push(await once());
    return { p50: percentile(times, 50), p95: percentile(times, 95) };
  }

  // The client's pooled connection may have been closed by the server while seeding: open a fresh one first.
  for (let attempt = 0; attempt < 3; attempt++) {
    const ok = await fetch(`${bench.url}/healthz`).then(
      (response) => response.arrayBuffer().then(() => true),
      () => false,
    );
    if (ok) break;
  }
  const floor = await measure('/nodes/group/no-such-group.json', 0);
  const small50 = await measure(`/node/version.json?node_full=${small!.name}`, 50);
  const big50 = await measure(`/node/version.json?node_full=${big!.name}&limit=50`, 50);
  const bigDefault = await measure(`/node/version.json?node_full=${big!.name}`, 100);
  const show = (label: string, r: { p50: number; p95: number }) =>
    console.log(`${label.padEnd(52)} p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms`);
  console.log(`database: ${bench.app.database.kind}; seeded ${versions} versions in ${(seededMs / 1000).toFixed(1)} s`);
  console.log(`over HTTP with an API token, ${iterations} sequential requests each:`);
  show('empty node list of a missing group (floor)', floor);
  show('version list, 50-version device (all 50)', small50);
  show('version list, 100k-version device, limit=50', big50);
  show('version list, 100k-version device, default 100 (goal <=20)', bigDefault);
  console.log(`ratio 100k/50 versions, 50 entries each (p95): ${(big50.p95 / small50.p95).toFixed(2)}`);
  console.log(`oxidized_versions_p95_ms=${bigDefault.p95.toFixed(2)}`);
  console.log(`oxidized_versions_50_p95_ms=${big50.p95.toFixed(2)}`);
  console.log(`oxidized_versions_p95_ratio=${(big50.p95 / small50.p95).toFixed(3)}`);
} finally {
  await bench.stop();
}
