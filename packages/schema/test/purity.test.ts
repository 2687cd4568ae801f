/**
 * The contract package stays pure: nothing in packages/schema/src reaches for the file system, sockets, a
 * database driver or a device transport (opening the database lives in apps/server; the module graph of
 * `schema:print` is checked in apps/server/test/schema-purity.test.ts).
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const schemaSrc = fileURLToPath(new URL('../src/', import.meta.url));
const forbiddenModules = [
  'node:fs',
  'node:fs/promises',
  'node:net',
  'node:dgram',
  'fs',
  'net',
  '@electric-sql/pglite',
  'postgres',
  'ssh2',
];

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Module specifiers of value imports (static and dynamic); `import type` erases at build time and is fine. */
function valueImports(source: string): string[] {
  const statics = [...source.matchAll(/^import (?!type\b)[^;]*?from '([^']+)'/gm)].map((match) => match[1]!);
  const bare = [...source.matchAll(/^import '([^']+)'/gm)].map((match) => match[1]!);
  const dynamics = [...source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((match) => match[1]!);
  return [...statics, ...bare, ...dynamics];
}

describe('the schema package source', () => {
  it('imports no file system, socket, database driver or transport module', async () => {
    const offenders: string[] = [];

    for (const file of await sourceFiles(schemaSrc)) {
      for (const specifier of valueImports(await readFile(file, 'utf8'))) {
        if (forbiddenModules.includes(specifier)) offenders.push(`${file.slice(schemaSrc.length)}: ${specifier}`);
      }
    }

    assert.deepEqual(offenders, []);
  });

  it('finds a forbidden import when one is there (the scan is not blind)', () => {
    const planted =
      "import { x } from './x.js';\nimport {\n  isIP,\n} from 'node:net';\nconst pg = await import('postgres');\n";

    assert.deepEqual(valueImports(planted), ['./x.js', 'node:net', 'postgres']);
  });
});
