#!/usr/bin/env node
// `npm test`: builds what the end-to-end tests start (cached by turbo), then runs every *.test.ts with
// node's test runner from TypeScript sources. Extra arguments narrow the files (substring match on the
// path from the repository root); `--skip-build` (or DEVICEVAULT_SKIP_BUILD=1) skips the build, as each
// package's own `test` script does (turbo builds first).
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './support/repo-root.mjs';

const roots = ['packages', 'apps', 'tests'];
const skip = new Set(['node_modules', '.next', 'dist', 'fixtures', '.turbo']);

function findTests(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    if (skip.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

process.chdir(repoRoot);
const args = process.argv.slice(2);
const skipBuild = args.includes('--skip-build') || process.env.DEVICEVAULT_SKIP_BUILD === '1';
const filters = args.filter((arg) => arg !== '--skip-build');
const files = roots.flatMap(findTests).filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

if (!skipBuild) {
  const build = spawnSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// Node's runner applies --test-timeout to each file as a whole: a file that hangs fails after this long
// instead of holding the run until CI's own limit.
const fileTimeoutMs = Number(process.env.DEVICEVAULT_TEST_FILE_TIMEOUT_MS ?? 15 * 60_000);
// Its own process group, so whatever a killed or careless test file left running is stopped at the end
// and can't keep the run's output pipe open.
const runner = spawn(
  process.execPath,
  [
    '--conditions=source',
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
    `--test-timeout=${fileTimeoutMs}`,
    ...files,
  ],
  { stdio: 'inherit', detached: true, env: { ...process.env, NODE_ENV: 'test' } },
);
const stopGroup = () => {
  try {
    process.kill(-runner.pid, 'SIGKILL');
  } catch {
    // the group is already gone
  }
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopGroup();
    process.exit(1);
  });
}
runner.on('exit', (code, signal) => {
  stopGroup();
  process.exit(code ?? (signal ? 1 : 0));
});
