/**
 * `devicevault import-oxidized <path-to-oxidized-git-output> [--plugin KEY]`
 * Imports every node's history from Oxidized's git output (one repository, or a directory of per-group
 * `<group>.git` repositories) into the database named by DATABASE_URL / DEVICEVAULT_DATA_DIR, storing the
 * versions in each device's storage location. Safe to run again: versions already imported are skipped.
 * With PGlite (no DATABASE_URL) stop the server first: a PGlite data dir belongs to one process at a time.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findPlugin } from '@devicevault/plugins/registry';
import { openDatabase } from '../db/open-database.js';
import { readEnv } from '../env.js';
import { createLogger } from '../log.js';
import { createStorageRegistry } from '../storage/storage-registry.js';
import { importOxidized } from './oxidized-importer.js';

const usage = 'usage: devicevault import-oxidized <path-to-oxidized-git-output> [--plugin KEY]';

function fail(message: string, code = 1): never {
  process.stderr.write(`devicevault import-oxidized: ${message}\n`);
  process.exit(code);
}

let parsed: ReturnType<typeof parseArgs<{ options: { plugin: { type: 'string' } }; allowPositionals: true }>>;
try {
  parsed = parseArgs({ options: { plugin: { type: 'string' } }, allowPositionals: true });
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`, 2);
}
const [source] = parsed.positionals;
if (!source || parsed.positionals.length > 1) fail(usage, 2);
const pluginKey = parsed.values.plugin ?? 'noop';
if (!findPlugin(pluginKey)) fail(`unknown plugin key "${pluginKey}"`, 2);

const env = readEnv();
const log = createLogger(env.logLevel === 'debug' ? 'debug' : 'warn');
await mkdir(env.dataDir, { recursive: true });
const database = await openDatabase({ url: env.databaseUrl, pgliteDir: join(env.dataDir, 'pglite') });
const spoolDir = join(env.dataDir, 'spool', `import-${process.pid}`);
try {
  const storage = createStorageRegistry({ db: database.db, dataDir: env.dataDir, log });
  const report = await importOxidized({ db: database.db, storage, path: resolve(source), spoolDir, pluginKey, log });
  process.stdout.write(
    `imported ${report.versionsImported} version(s) from ${report.repositories} repositor${report.repositories === 1 ? 'y' : 'ies'}; ` +
      `${report.devicesCreated} new device(s) (disabled, plugin ${pluginKey}); ${report.versionsSkipped} already present\n`,
  );
} catch (error) {
  process.exitCode = 1;
  process.stderr.write(`devicevault import-oxidized: ${(error as Error).message}\n`);
} finally {
  await rm(spoolDir, { recursive: true, force: true });
  await database.close();
}
