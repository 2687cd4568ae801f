#!/usr/bin/env node
// The house rules CI enforces, each failing with its own message: no Biome warning, no drift of drizzle/ or
// schema.graphql, process.env read only in each app's env file, web GraphQL documents valid against
// schema.graphql with fresh generated types, ≤ 200 KB of gzipped JS per dashboard route, and the same verbs
// in every package. Runs them all and reports every failure.
// Usage: node scripts/check-house-rules.mjs [--root DIR] [--only name,name]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './support/repo-root.mjs';

const { values } = parseArgs({ options: { root: { type: 'string' }, only: { type: 'string' } } });
const root = values.root ?? repoRoot;
const scripts = join(repoRoot, 'scripts');

const checks = [
  {
    name: 'biome',
    command: ['npx', '--no-install', 'biome', 'check', '--error-on-warnings', '.'],
    advice:
      'Biome reported errors or warnings (the house rule is zero): run `npx biome check --write .`, fix the rest.',
  },
  { name: 'drizzle-drift', command: [process.execPath, join(scripts, 'check-drizzle-drift.mjs'), '--root', root] },
  { name: 'schema-drift', command: [process.execPath, join(scripts, 'check-schema-drift.mjs'), '--root', root] },
  { name: 'env-reads', command: [process.execPath, join(scripts, 'check-env-reads.mjs'), '--root', root] },
  {
    name: 'web-operations',
    command: [
      process.execPath,
      join(root, 'apps/web/scripts/check-operations.mjs'),
      join(root, 'packages/schema/schema.graphql'),
    ],
    advice:
      'A GraphQL document in apps/web does not validate against packages/schema/schema.graphql, is not named ' +
      '<Component>_<Operation>, or apps/web/src/graphql-env.d.ts (the generated types) is stale: fix the document, ' +
      'or run `npm run generate -w apps/web` (and print and commit the schema if the server changed).',
  },
  {
    name: 'web-route-size',
    command: [process.execPath, join(root, 'apps/web/scripts/route-js-size.mjs'), '--budget-kb', '200'],
    advice: 'A dashboard route ships more than 200 KB of gzipped JavaScript: load the heavy part with import().',
  },
  { name: 'package-verbs', command: [process.execPath, join(scripts, 'check-package-verbs.mjs'), '--root', root] },
];

const only = values.only?.split(',');
const unknown = only?.filter((name) => !checks.some((check) => check.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown check(s): ${unknown.join(', ')}; known: ${checks.map((check) => check.name).join(', ')}`);
  process.exit(2);
}

const failed = [];
for (const check of checks.filter((check) => !only || only.includes(check.name))) {
  console.log(`-- ${check.name}`);
  const [command, ...args] = check.command;
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (run.status === 0) continue;
  failed.push(check.name);
  console.error(`✗ house rule "${check.name}" failed${check.advice ? `: ${check.advice}` : ''}`);
}

if (failed.length > 0) {
  console.error(`\nhouse rules broken: ${failed.join(', ')}`);
  process.exit(1);
}
console.log('\nall house rules hold');
