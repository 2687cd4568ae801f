// Gzipped JavaScript each route ships on first load (issue 15: ≤ 200 KB per route), from the build's
// client reference manifests: the root main files and the route's layout and page chunks. Not counted:
// the polyfills (a `nomodule` script modern browsers never fetch) and dynamic imports (uPlot, loaded when
// a chart renders). Skips when there is no build.
// Usage: node scripts/route-js-size.mjs [--budget-kb 200]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const webDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const nextDir = path.join(webDir, '.next');
const budgetIndex = process.argv.indexOf('--budget-kb');
const budgetKb = budgetIndex > 0 ? Number(process.argv[budgetIndex + 1]) : 200;
if (!existsSync(path.join(nextDir, 'build-manifest.json'))) {
  console.log('route-js-size: no build in apps/web/.next, skipped');
  process.exit(0);
}

const buildManifest = JSON.parse(readFileSync(path.join(nextDir, 'build-manifest.json'), 'utf8'));
const shared = [...buildManifest.rootMainFiles];
const gzipped = new Map();
function gzipSize(file) {
  const relative = file.replace(/^\/?_next\//, '').replace(/^\//, '');
  if (!gzipped.has(relative)) gzipped.set(relative, gzipSync(readFileSync(path.join(nextDir, relative))).length);
  return gzipped.get(relative);
}

const appDir = path.join(nextDir, 'server/app');
const rows = [];
for (const entry of readdirSync(appDir, { recursive: true })) {
  if (!entry.endsWith('page_client-reference-manifest.js')) continue;
  const source = readFileSync(path.join(appDir, entry), 'utf8');
  const manifest = JSON.parse(source.slice(source.indexOf('= {') + 2).replace(/;\s*$/, ''));
  const route = `/${path.dirname(entry)}`.replace(/\/\.$/, '/');
  const files = new Set(shared);
  for (const [key, chunks] of Object.entries(manifest.entryJSFiles ?? {})) {
    if (key.endsWith('/layout') || key.endsWith('/page')) for (const chunk of chunks) files.add(chunk);
  }
  const bytes = [...files].reduce((sum, file) => sum + gzipSize(file), 0);
  rows.push({ route: route === '/.' ? '/' : route, kb: bytes / 1024 });
}

rows.sort((a, b) => b.kb - a.kb);
for (const row of rows) console.log(`${row.kb.toFixed(1).padStart(7)} KB  ${row.route}`);
const over = rows.filter((row) => row.kb > budgetKb);
for (const row of over)
  console.error(`✗ ${row.route} ships ${row.kb.toFixed(1)} KB of gzipped JS (budget ${budgetKb} KB)`);
process.exit(over.length === 0 ? 0 : 1);
