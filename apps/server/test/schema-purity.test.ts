/**
 * Printing the schema (`npm run schema:print`) loads the plugin catalog but no device transport: ssh2 stays
 * out of the module graph. The static import check of packages/schema is packages/schema/test/purity.test.ts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const serverDir = fileURLToPath(new URL('..', import.meta.url));
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
});
