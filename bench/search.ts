/**
 * Regex search over the latest configs of 10k devices through `searchConfigs` (GraphQL over HTTP, PostgreSQL
 * regex over text_contents joined to each device's latest version), versus `grep -rE` over the same configs
 * written as files, in the same run. Goal: ≤ 1 s.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { backups, devices, textContents } from '@devicevault/schema/db/tables';
import { sql } from 'drizzle-orm';
import { percentile, startBenchApp } from './support/bench-app.js';

const run = promisify(execFile);
const deviceCount = 10_000;
const rounds = 5;

function config(index: number): string {
  const lines = [`hostname sw-${index}`, `ntp server 10.${index % 100}.0.1`, 'service timestamps log datetime msec'];
  for (let port = 1; port <= 24; port++) {
    lines.push(`interface GigabitEthernet1/0/${port}`, ` description access port ${port} of sw-${index}`);
    lines.push(` switchport access vlan ${(index + port) % 400}`, ' spanning-tree portfast', '!');
  }
  lines.push('line vty 0 4', ' transport input ssh', 'end');
  return `${lines.join('\n')}\n`;
}

const bench = await startBenchApp();
try {
  const db = bench.app.database.db;
  const files = join(bench.dataDir, 'configs');
  await mkdir(files);
  const seeding = performance.now();
  let bytes = 0;
  for (let start = 0; start < deviceCount; start += 500) {
    const batch = Array.from({ length: Math.min(500, deviceCount - start) }, (_, i) => start + i);
    const rows = await db
      .insert(devices)
      .values(batch.map((i) => ({ name: `sw-${String(i).padStart(5, '0')}`, host: '127.0.0.1', pluginKey: 'noop' })))
      .returning({ id: devices.id });
    const texts = batch.map((i) => config(i));
    bytes += texts.reduce((sum, text) => sum + text.length, 0);
    const shas = texts.map((text) => createHash('sha256').update(text).digest('hex'));
    await db.insert(textContents).values(texts.map((content, i) => ({ sha256: shas[i]!, content })));
    // An older version per device too, so "latest" has something to leave out.
    const olderAt = new Date(Date.now() - 86_400_000);
    await db.insert(backups).values(
      rows.flatMap((row, i) => [
        {
          deviceId: row.id,
          isBinary: false,
          sha256: shas[i]!,
          size: texts[i]!.length,
          storageKind: 'fs',
          storageRef: shas[i]!,
          changed: true,
        },
        {
          deviceId: row.id,
          isBinary: false,
          sha256: shas[i]!,
          size: texts[i]!.length,
          storageKind: 'fs',
          storageRef: shas[i]!,
          changed: true,
          createdAt: olderAt,
        },
      ]),
    );
    await Promise.all(batch.map((i, j) => writeFile(join(files, `sw-${i}.cfg`), texts[j]!)));
  }
  await db.execute(sql`analyze`);
  const seededMs = performance.now() - seeding;

  const pattern = '^ntp server 10\\.4[0-9]\\.0\\.1$';
  const query = `query ($pattern: String!) {
    searchConfigs(pattern: $pattern, regex: true, first: 20, contextLines: 1) {
      ... on SearchConfigsConnection { edges { node { device { name } backup { id } matchCount lines { number text } } } pageInfo { hasNextPage } }
      ... on ValidationError { message }
    }
  }`;
  const ours: number[] = [];
  const grep: number[] = [];
  let firstPage = 0;
  let grepMatches = 0;
  for (let round = 0; round < rounds; round++) {
    let start = performance.now();
    const { stdout } = await run('grep', ['-rlE', pattern.replace(/\\\\/g, '\\'), files], { maxBuffer: 64 << 20 });
    grep.push(performance.now() - start);
    grepMatches = stdout.trim().split('\n').length;
    start = performance.now();
    const result = await bench.gql(query, { pattern });
    ours.push(performance.now() - start);
    firstPage = (result.data as { searchConfigs: { edges: unknown[] } }).searchConfigs.edges.length;
  }
  const oursMs = percentile(ours, 50);
  const grepMs = percentile(grep, 50);
  console.log(
    `database: ${bench.app.database.kind}; ${deviceCount} devices, ${(bytes / 1e6).toFixed(1)} MB of latest configs, seeded in ${(seededMs / 1000).toFixed(1)} s`,
  );
  console.log(`pattern /${pattern}/ matches ${grepMatches} devices; ${rounds} interleaved rounds, medians`);
  console.log(`grep -rlE over files:          ${grepMs.toFixed(0)} ms`);
  console.log(
    `searchConfigs (first page ${firstPage}): ${oursMs.toFixed(0)} ms (goal <= 1000 ms; runs ${ours.map((ms) => ms.toFixed(0)).join(', ')})`,
  );
  console.log(`ratio ours/grep: ${(oursMs / grepMs).toFixed(2)}`);
  console.log(`search_ms=${oursMs.toFixed(1)}`);
  console.log(`search_ratio_vs_grep=${(oursMs / grepMs).toFixed(3)}`);
} finally {
  await bench.stop();
}
