#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
// Runs the compiled CLI when built; from a fresh clone (no dist yet) it runs the TypeScript sources via tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (existsSync(compiled)) {
  await import(compiled);
} else {
  const source = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
  const result = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', source, ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  process.exit(result.status ?? 1);
}
