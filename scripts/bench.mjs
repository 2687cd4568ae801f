#!/usr/bin/env node
// `npm run bench [substring…]`: runs every bench/*.ts (from TypeScript sources) one after another, so
// timings don't compete; each prints human lines plus `name=value` ratio lines. Non-zero if any failed.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = 'bench';
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.ts'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error('no bench files matched');
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file}`);
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    ['--expose-gc', '--conditions=source', '--import', 'tsx', join(dir, file)],
    {
      stdio: 'inherit',
    },
  );
  console.log(
    `=== ${file}: ${result.status === 0 ? 'done' : `FAILED (${result.status ?? result.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
