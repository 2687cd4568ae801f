/** `node --conditions=source --import tsx bench/run-all.ts`: the same as `npm run bench` (scripts/bench.mjs). */
import { spawnSync } from 'node:child_process';

const result = spawnSync(process.execPath, ['scripts/bench.mjs', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
