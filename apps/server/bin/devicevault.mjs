#!/usr/bin/env node
// Runs the compiled CLI when it is built and up to date; otherwise (a fresh clone, or sources edited since the
// last build) it runs the TypeScript sources via tsx, so a stale dist/ never hides a new command.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const sourceDirs = ['../src', '../../../packages/plugins/src', '../../../packages/schema/src'].map((dir) =>
  fileURLToPath(new URL(dir, import.meta.url)),
);

if (existsSync(compiled) && !sourcesNewerThan(statSync(compiled).mtimeMs)) {
  await import(compiled);
} else {
  const source = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
  // Resolved from this file, so the CLI works from any working directory.
  const tsx = import.meta.resolve('tsx');
  const result = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', tsx, source, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(result.status ?? 1);
}

/** True when a TypeScript source (in a checkout; an installed build has none) changed after the build. */
function sourcesNewerThan(builtAt) {
  for (const dir of sourceDirs) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir, { recursive: true })) {
      if (String(file).endsWith('.ts') && statSync(`${dir}/${file}`).mtimeMs > builtAt) return true;
    }
  }
  return false;
}
