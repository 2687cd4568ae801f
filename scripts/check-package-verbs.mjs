#!/usr/bin/env node
// House rule (STYLE.md 19): every workspace package answers the same verbs, and turbo knows each verb, so
// `npx turbo run <verb>` reaches every package. Usage: node scripts/check-package-verbs.mjs [--root DIR]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './support/repo-root.mjs';

const verbs = ['build', 'typecheck', 'test'];

const { values } = parseArgs({ options: { root: { type: 'string' } } });
const root = values.root ?? repoRoot;
const readJson = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));

const problems = [];
const turboTasks = Object.keys(readJson('turbo.json').tasks ?? {});
for (const verb of verbs) {
  if (!turboTasks.includes(verb)) problems.push(`turbo.json has no "${verb}" task`);
}
for (const workspace of readJson('package.json').workspaces ?? []) {
  const scripts = readJson(join(workspace, 'package.json')).scripts ?? {};
  for (const verb of verbs) {
    if (typeof scripts[verb] !== 'string') problems.push(`${workspace}/package.json has no "${verb}" script`);
  }
}

if (problems.length > 0) {
  console.error(`Every package must answer ${verbs.join(', ')} through turbo:`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(`every workspace answers ${verbs.join(', ')}`);
