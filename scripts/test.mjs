#!/usr/bin/env node
// `npm test`: builds what the end-to-end tests start (cached by turbo), then runs every *.test.ts with
// node's test runner from TypeScript sources. Extra arguments narrow the files (substring match on the
// path from the repository root); `--skip-build` (or DEVICEVAULT_SKIP_BUILD=1) skips the build, as each
// package's own `test` script does (turbo builds first).
import { spawnSync } from 'node:child_process';
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

const result = spawnSync(
  process.execPath,
  [
    '--conditions=source',
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
