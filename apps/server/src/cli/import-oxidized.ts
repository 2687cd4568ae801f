/**
 * `devicevault import-oxidized <path-to-oxidized-git-output> [--plugin KEY] [--router-db FILE
 *   [--delimiter D] [--map name=0,model=1] [--model-map cisco=ios]]`
 * Imports every node's history from Oxidized's git output (one repository, or a directory of per-group
 * `<group>.git` repositories) into the database named by DATABASE_URL / DEVICEVAULT_DATA_DIR, storing the
 * versions in each device's storage location. Safe to run again: versions already imported are skipped.
 * With `--router-db` (Oxidized's CSV source) each node gets the plugin of its Oxidized model and its `ip` as
 * host; nodes without a known model get `--plugin` (default `noop`).
 * With PGlite (no DATABASE_URL) stop the server first: a PGlite data dir belongs to one process at a time.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findPlugin } from '@devicevault/plugins/registry';
import { openDatabase } from '../db/open-database.js';
import { readEnv } from '../env.js';
import { createLogger } from '../log.js';
import { createStorageRegistry } from '../storage/storage-registry.js';
import { importOxidized } from './oxidized-importer.js';
import {
  defaultRouterDbFormat,
  type OxidizedNode,
  parseFieldMap,
  parseModelMap,
  parseRouterDb,
} from './oxidized-router-db.js';

const usage =
  'usage: devicevault import-oxidized <path-to-oxidized-git-output> [--plugin KEY]\n' +
  '       [--router-db FILE [--delimiter D] [--map name=0,model=1] [--model-map cisco=ios,...]]';

function fail(message: string, code = 1): never {
  process.stderr.write(`devicevault import-oxidized: ${message}\n`);
  process.exit(code);
}

const options = {
  plugin: { type: 'string' },
  'router-db': { type: 'string' },
  delimiter: { type: 'string' },
  map: { type: 'string' },
  'model-map': { type: 'string' },
} as const;
let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;
try {
  parsed = parseArgs({ options, allowPositionals: true });
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`, 2);
}
const [source] = parsed.positionals;
if (!source || parsed.positionals.length > 1) fail(usage, 2);
const pluginKey = parsed.values.plugin ?? 'noop';
if (!findPlugin(pluginKey)) fail(`unknown plugin key "${pluginKey}"`, 2);
let nodes: Map<string, OxidizedNode> | undefined;
if (parsed.values['router-db'] !== undefined) {
  try {
    nodes = parseRouterDb(await readFile(parsed.values['router-db'], 'utf8'), {
      delimiter: parsed.values.delimiter ?? defaultRouterDbFormat.delimiter,
      map: parsed.values.map ? parseFieldMap(parsed.values.map) : defaultRouterDbFormat.map,
      modelMap: parsed.values['model-map'] ? parseModelMap(parsed.values['model-map']) : {},
    });
  } catch (error) {
    fail(`--router-db: ${(error as Error).message}`, 2);
  }
} else if (parsed.values.delimiter || parsed.values.map || parsed.values['model-map']) {
  fail(`--delimiter, --map and --model-map describe --router-db\n${usage}`, 2);
}

const env = readEnv();
const log = createLogger(env.logLevel === 'debug' ? 'debug' : 'warn');
await mkdir(env.dataDir, { recursive: true });
const database = await openDatabase({ url: env.databaseUrl, pgliteDir: join(env.dataDir, 'pglite') });
const spoolDir = join(env.dataDir, 'spool', `import-${process.pid}`);
try {
  const storage = createStorageRegistry({ db: database.db, dataDir: env.dataDir, log });
  const report = await importOxidized({
    db: database.db,
    storage,
    path: resolve(source),
    spoolDir,
    pluginKey,
    nodes,
    log,
  });
  process.stdout.write(
    `imported ${report.versionsImported} version(s) from ${report.repositories} repositor${report.repositories === 1 ? 'y' : 'ies'}; ` +
      `${report.devicesCreated} new device(s) (disabled); ${report.devicesMapped} given the plugin of their Oxidized model, ` +
      `the others plugin ${pluginKey}; ${report.versionsSkipped} already present\n`,
  );
  if (report.unknownModels.length > 0)
    process.stdout.write(`no plugin for Oxidized model(s): ${report.unknownModels.join(', ')}\n`);
} catch (error) {
  process.exitCode = 1;
  process.stderr.write(`devicevault import-oxidized: ${(error as Error).message}\n`);
} finally {
  await rm(spoolDir, { recursive: true, force: true });
  await database.close();
}
