#!/usr/bin/env node
// House rule (STYLE.md 18): drizzle/ is generated from packages/schema/src/db/tables.ts and committed, so
// `drizzle-kit generate` must find nothing to add. It runs against a copy of drizzle/ (the checkout is
// never touched) and fails when the copy gained or changed a file.
// Usage: node scripts/check-drizzle-drift.mjs [--root DIR]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './support/repo-root.mjs';

const { values } = parseArgs({ options: { root: { type: 'string' } } });
const root = values.root ?? repoRoot;

/** Every file under dir, relative path → contents. */
function snapshot(dir) {
  const files = new Map();
  if (!existsSync(dir)) return files;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(dir.length + 1), readFileSync(path, 'utf8'));
  }
  return files;
}

const work = mkdtempSync(join(tmpdir(), 'dv-drizzle-drift-'));
try {
  const out = join(work, 'drizzle');
  if (existsSync(join(root, 'drizzle'))) cpSync(join(root, 'drizzle'), out, { recursive: true });
  const config = join(work, 'drizzle.config.ts');
  // The project's own config, pointed at the copy (drizzle-kit prefixes `out` with ./, so it is relative).
  writeFileSync(
    config,
    `import config from ${JSON.stringify(join(root, 'drizzle.config.ts'))};\n` +
      `export default { ...config, out: ${JSON.stringify(relative(root, out))} };\n`,
  );
  const before = snapshot(out);
  // stdin closed: a rename question (drop + add) can't be answered here; it ends the run instead of hanging.
  const run = spawnSync('npx', ['--no-install', 'drizzle-kit', 'generate', `--config=${config}`], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 5 * 60_000,
  });
  const said = `${run.stdout}${run.stderr}`;
  // drizzle-kit exits 0 even when it fails to read the migrations, so success is its own all-clear line.
  const nothingToDo = said.includes('No schema changes');
  if (run.status !== 0 || (!nothingToDo && !said.includes('migration file'))) {
    console.error(`drizzle-kit generate failed (exit ${run.status}):\n${said}`);
    console.error('Run `npm run db:generate` yourself, answer its questions and commit drizzle/.');
    process.exit(1);
  }
  const after = snapshot(out);
  const drift = [...after].filter(([path, text]) => before.get(path) !== text).map(([path]) => path);
  if (drift.length > 0 || !nothingToDo) {
    console.error(
      'drizzle/ drifted from packages/schema/src/db/tables.ts: `drizzle-kit generate` would write\n' +
        drift.map((path) => `  drizzle/${path}`).join('\n') +
        '\nRun `npm run db:generate -- --name <change>` and commit the new migration.',
    );
    process.exit(1);
  }
  console.log('drizzle/ matches tables.ts (drizzle-kit generate: nothing to migrate)');
} finally {
  rmSync(work, { recursive: true, force: true });
}
