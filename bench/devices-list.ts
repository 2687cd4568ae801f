/**
 * The lean request path (issue 13 item 3): the devices list (the newest 50 of 10,000, each with its last
 * backup) from 50 concurrent clients over HTTP, beside the raw SQL of the same result from 50 concurrent
 * clients on their own postgres.js pool (10 connections, as the server's), in the same run, every client in
 * a child process so its CPU is not taken from the server; and `{ __typename }` at one client (the fixed cost
 * of a request: auth, Yoga, execution). Prints p50/p95 of each and the ratio of the p95s.
 *
 *   node --conditions=source --import tsx bench/devices-list.ts [--devices N] [--rounds N] [--quick]
 * PostgreSQL when DATABASE_URL is set (the raw SQL baseline needs it), PGlite otherwise (no baseline).
 */

import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { backups, devices } from '../packages/schema/src/db/tables.js';
import { percentile, startBenchApp } from './support/bench-app.js';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string' },
    rounds: { type: 'string' },
    clients: { type: 'string', default: '50' },
    quick: { type: 'boolean', default: false },
    'typename-only': { type: 'boolean', default: false },
  },
});
const deviceCount = Number(args.devices ?? (args.quick ? 2_000 : 10_000));
const rounds = Number(args.rounds ?? (args.quick ? 10 : 20));
const clients = Number(args.clients);
const loadClient = fileURLToPath(new URL('./support/load-client.ts', import.meta.url));

const listQuery = `{ devices(first: 50) { edges { node { id name host port pluginKey enabled lastSuccessAt
  lastBackup { id createdAt size changed sha256 isBinary } } } pageInfo { hasNextPage endCursor } } }`;
const rawSql = `select d.id, d.name, d.host, d.port, d.plugin_key, d.enabled, d.last_success_at,
    b.id as backup_id, b.created_at as backup_created_at, b.size, b.changed, b.sha256, b.is_binary
  from (select * from devices where archived_at is null order by created_at desc, id desc limit 51) d
  left join lateral (select * from backups where device_id = d.id order by created_at desc limit 1) b on true
  order by d.created_at desc, d.id desc`;

const bench = await startBenchApp({ workers: 1 });
try {
  const { db } = bench.app.database;
  const seeding = performance.now();
  for (let start = 0; start < deviceCount; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, deviceCount - start) }, (_, offset) => ({
      id: randomUUID(),
      name: `bench-${start + offset}`,
      host: `10.${(start + offset) >> 16}.${((start + offset) >> 8) & 255}.${(start + offset) & 255}`,
      pluginKey: 'arista_eos',
    }));
    await db.insert(devices).values(rows);
    await db.insert(backups).values(
      rows.map((row) => ({
        deviceId: row.id,
        isBinary: false,
        sha256: randomBytes(32).toString('hex'),
        size: 1234,
        storageKind: 'fs',
        storageRef: randomBytes(32).toString('hex'),
        changed: true,
      })),
    );
  }
  console.log(
    `devices list: ${deviceCount} devices seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`,
  );

  const graphqlUrl = `${bench.url}/graphql`;
  // { __typename } at one client: a request's fixed cost.
  const typename = await runClient(['http', graphqlUrl, bench.token, '{ __typename }', '1', '2000']);
  console.log(`{ __typename }, 1 client: p50 ${ms(typename.p50)}, p95 ${ms(typename.p95)} (goal p95 ≤ 5 ms)`);
  console.log(`typename_p95_ms=${typename.p95.toFixed(1)}`);

  if (!args['typename-only']) {
    const list = await runClient(['http', graphqlUrl, bench.token, listQuery, String(clients), String(rounds)]);
    console.log(
      `devices(first: 50) with lastBackup, ${clients} clients: p50 ${ms(list.p50)}, p95 ${ms(list.p95)}, ${list.perSecond.toFixed(0)} requests/s`,
    );
    if (bench.databaseUrl) {
      const raw = await runClient(['sql', bench.databaseUrl, rawSql, String(clients), String(rounds)]);
      console.log(
        `raw SQL of the same page, ${clients} clients: p50 ${ms(raw.p50)}, p95 ${ms(raw.p95)}, ${raw.perSecond.toFixed(0)} queries/s`,
      );
      console.log(`ratio: devices list p95 = ${(list.p95 / raw.p95).toFixed(2)}× the raw SQL p95 (goal ≤ 3)`);
      console.log(`devices_list_p95_ratio=${(list.p95 / raw.p95).toFixed(2)}`);
    }
  }
} finally {
  await bench.stop();
}

/** Runs the load in a child process (the clients' CPU is not the server's) and summarizes its times. */
async function runClient(argv: string[]) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', loadClient, ...argv], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`load client exited with ${code}`);
  const { times, elapsedMs } = JSON.parse(output) as { times: number[]; elapsedMs: number };
  return { p50: percentile(times, 50), p95: percentile(times, 95), perSecond: (times.length * 1000) / elapsedMs };
}

function ms(value: number) {
  return `${value.toFixed(1)} ms`;
}
