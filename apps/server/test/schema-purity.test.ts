/**
 * The contract package stays pure: printing the schema loads no device transport (ssh2), and nothing in
 * packages/schema reaches for the file system, sockets or a database driver.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const serverDir = fileURLToPath(new URL('..', import.meta.url));
const schemaSrc = fileURLToPath(new URL('../../../packages/schema/src/', import.meta.url));
const recorder = fileURLToPath(new URL('./support/record-resolutions.mjs', import.meta.url));

let tempDir: string;

/** Runs a TypeScript entry the way `npm run schema:print` does and returns every module URL it resolved. */
async function resolvedModules(entry: string, args: string[] = []): Promise<string[]> {
  const logFile = join(tempDir, `resolved-${Math.random().toString(36).slice(2)}.log`);
  await run(process.execPath, ['--conditions=source', '--import', 'tsx', '--import', recorder, entry, ...args], {
    cwd: serverDir,
    env: { ...process.env, DEVICEVAULT_RESOLVE_LOG: logFile },
    maxBuffer: 16 * 1024 * 1024,
  });
  return (await readFile(logFile, 'utf8')).split('\n').filter(Boolean);
}

function loadsSsh2(urls: string[]): boolean {
  return urls.some((url) => /\/node_modules\/ssh2\//.test(url));
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

before(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'dv-schema-purity-'));
});

after(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

describe('the schema package', () => {
  it('prints the schema without loading ssh2, while loading the plugin catalog', async () => {
    const urls = await resolvedModules('src/cli/print-schema.ts', ['--stdout']);

    assert.ok(
      urls.some((url) => url.endsWith('/packages/plugins/src/catalog.ts')),
      'the catalog was not loaded',
    );
    assert.ok(
      urls.some((url) => url.endsWith('/packages/schema/src/schema.ts')),
      'the schema was not loaded',
    );
    assert.equal(loadsSsh2(urls), false, `ssh2 was loaded:\n${urls.filter((url) => url.includes('ssh2')).join('\n')}`);
  });

  it('notices ssh2 when something does load it (the recorder is not blind)', async () => {
    const probe = join(tempDir, 'loads-ssh2.mts');
    const replayServer = new URL('../../../packages/plugins/src/replay/replay-server.ts', import.meta.url).href;
    await writeFile(probe, `import ${JSON.stringify(replayServer)};\n`);

    const urls = await resolvedModules(probe);

    assert.equal(loadsSsh2(urls), true);
  });

  it('imports no file system, socket or database driver module', async () => {
    const forbidden =
      /from '(node:fs|node:fs\/promises|node:net|node:dgram|@electric-sql\/pglite|postgres|ssh2)'|import\('(node:fs|node:net|postgres|@electric-sql\/pglite|ssh2)/;
    const offenders: string[] = [];

    for (const file of await sourceFiles(schemaSrc)) {
      const text = await readFile(file, 'utf8');
      for (const line of text.split('\n')) {
        if (forbidden.test(line) && !/^import type /.test(line)) offenders.push(`${file}: ${line.trim()}`);
      }
    }

    assert.deepEqual(offenders, []);
  });
});
