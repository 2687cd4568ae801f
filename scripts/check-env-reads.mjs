#!/usr/bin/env node
// House rule (STYLE.md 5): `process.env` is read in exactly one file per app, parsed there; packages read
// none. Scans apps/*/src and packages/*/src (tests, scripts and benches sit outside src/ and are exempt).
// Usage: node scripts/check-env-reads.mjs [--root DIR]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './support/repo-root.mjs';

/** The one file of each app allowed to read the environment. */
const allowedEnvFiles = ['apps/server/src/env.ts', 'apps/web/src/lib/runtime-config.ts'];

const sourceFile = /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx)$/;
const skipDirs = new Set(['node_modules', 'dist', '.next', '.turbo']);

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skipDirs.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (sourceFile.test(entry.name) && !/\.test\.[a-z]+$/.test(entry.name)) yield path;
  }
}

function findEnvReads(root) {
  const reads = [];
  for (const group of ['apps', 'packages']) {
    if (!existsSync(join(root, group))) continue;
    for (const workspace of readdirSync(join(root, group))) {
      const src = join(root, group, workspace, 'src');
      if (!existsSync(src)) continue;
      for (const file of sourceFiles(src)) {
        const path = relative(root, file);
        if (allowedEnvFiles.includes(path)) continue;
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            // Comments may name it (saying where to read it instead); code may not.
            if (/^\s*(\/\/|\/\*|\*)/.test(line)) return;
            if (/\bprocess\s*\.\s*env\b|\bprocess\s*\[\s*['"]env['"]\s*\]/.test(line))
              reads.push(`${path}:${i + 1}: ${line.trim()}`);
          });
      }
    }
  }
  return reads;
}

const { values } = parseArgs({ options: { root: { type: 'string' } } });
const reads = findEnvReads(values.root ?? repoRoot);
if (reads.length > 0) {
  console.error(
    `process.env is read outside the env file of its app (allowed: ${allowedEnvFiles.join(', ')}).\n` +
      'Add the variable to that file (zod-parsed) and pass the value in:',
  );
  for (const read of reads) console.error(`  ${read}`);
  process.exit(1);
}
console.log(`process.env is read only in ${allowedEnvFiles.join(', ')}`);
