#!/usr/bin/env node
// House rule (STYLE.md 18): packages/schema/schema.graphql is the printed Pothos schema, committed; the web
// app and integrations read it. Fails when printing the code's schema gives anything else.
// Usage: node scripts/check-schema-drift.mjs [--root DIR]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './support/repo-root.mjs';

const { values } = parseArgs({ options: { root: { type: 'string' } } });
const root = values.root ?? repoRoot;
const committedPath = join(root, 'packages/schema/schema.graphql');

const print = spawnSync(
  process.execPath,
  ['--conditions=source', '--import', 'tsx', join(root, 'apps/server/src/cli/print-schema.ts'), '--stdout'],
  { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
);
if (print.status !== 0) {
  console.error(`printing the schema failed (exit ${print.status}):\n${print.stderr}`);
  process.exit(1);
}

const committed = readFileSync(committedPath, 'utf8');
if (print.stdout !== committed) {
  const printed = print.stdout.split('\n');
  const lines = committed.split('\n');
  const first = printed.findIndex((line, i) => line !== lines[i]);
  console.error(
    `packages/schema/schema.graphql drifted from the Pothos schema (first difference at line ${first + 1}:\n` +
      `  committed: ${lines[first] ?? '(end of file)'}\n  printed:   ${printed[first] ?? '(end of file)'})\n` +
      'Run `npm run schema:print` and commit packages/schema/schema.graphql.',
  );
  process.exit(1);
}
console.log('schema.graphql matches the Pothos schema');
