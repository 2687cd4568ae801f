/**
 * Each house rule CI enforces (scripts/check-house-rules.mjs, run by .ci/run) fails on a planted violation
 * with a message that says what broke and how to fix it. Every case builds a small throwaway repository
 * (sharing this checkout's node_modules) and runs the real check against it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const checkScript = join(repoRoot, 'scripts/check-house-rules.mjs');
const fixtures: string[] = [];

/** A throwaway repository: the given files (path → contents, or null to copy it from this checkout). */
function fixture(files: Record<string, string | null>): string {
  const root = mkdtempSync(join(tmpdir(), 'dv-house-rules-'));
  fixtures.push(root);
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'));
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    if (contents === null) cpSync(join(repoRoot, path), join(root, path), { recursive: true });
    else writeFileSync(join(root, path), contents);
  }
  return root;
}

function check(root: string, name: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [checkScript, '--root', root, '--only', name], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function committed(path: string): string {
  return readFileSync(join(repoRoot, path), 'utf8');
}

after(() => {
  for (const root of fixtures) rmSync(root, { recursive: true, force: true });
});

describe('the house rules CI enforces', () => {
  it('fails on a Biome warning (an unused import), naming the rule', () => {
    const root = fixture({
      'biome.json': null,
      '.gitignore': 'node_modules\n',
      'src/planted.ts': "import { join } from 'node:path';\n\nexport const planted = 1;\n",
    });
    spawnSync('git', ['init', '-q'], { cwd: root });

    const result = check(root, 'biome');

    assert.notEqual(result.status, 0);
    assert.match(result.output, /noUnusedImports/);
    assert.match(result.output, /house rule "biome" failed: Biome reported errors or warnings/);
  });

  it('passes Biome on the same file without the warning', () => {
    const root = fixture({
      'biome.json': null,
      '.gitignore': 'node_modules\n',
      'src/planted.ts': 'export const planted = 1;\n',
    });
    spawnSync('git', ['init', '-q'], { cwd: root });

    const result = check(root, 'biome');

    assert.equal(result.status, 0, result.output);
  });

  it('fails when tables.ts has a change drizzle/ has no migration for, naming the files generate would write', () => {
    const tables = 'packages/schema/src/db/tables.ts';
    const root = fixture({
      'drizzle.config.ts': null,
      drizzle: null,
      [tables]: `${committed(tables)}\nexport const plantedDrift = pgTable('planted_drift', { id: uuid('id').primaryKey() });\n`,
    });

    const result = check(root, 'drizzle-drift');

    assert.notEqual(result.status, 0);
    assert.match(result.output, /drizzle\/ drifted from packages\/schema\/src\/db\/tables\.ts/);
    assert.match(result.output, /drizzle\/0\d+_\w+\.sql/);
    assert.match(result.output, /npm run db:generate/);
  });

  it('fails when schema.graphql differs from the printed Pothos schema', () => {
    const root = fixture({
      'apps/server/package.json': null,
      'apps/server/src': null,
      'packages/schema/schema.graphql': `${committed('packages/schema/schema.graphql')}\ntype Planted {\n  x: Int\n}\n`,
    });

    const result = check(root, 'schema-drift');

    assert.notEqual(result.status, 0);
    assert.match(result.output, /schema\.graphql drifted from the Pothos schema/);
    assert.match(result.output, /npm run schema:print/);
  });

  it('fails on a process.env read outside the env file of its app, and allows the env file itself', () => {
    const root = fixture({
      'apps/server/src/env.ts': 'export const port = process.env.PORT;\n',
      'packages/planted/src/config.ts': "export const level = process.env.LOG_LEVEL ?? 'info';\n",
    });

    const result = check(root, 'env-reads');

    assert.notEqual(result.status, 0);
    assert.match(result.output, /process\.env is read outside the env file of its app/);
    assert.match(result.output, /packages\/planted\/src\/config\.ts:1:/);
    assert.doesNotMatch(result.output, /apps\/server\/src\/env\.ts:1:/);
  });

  it('fails on a web GraphQL document that does not validate against schema.graphql', () => {
    const root = fixture({
      'apps/web/scripts': null,
      'apps/web/src/graphql-env.d.ts': null,
      'packages/schema/schema.graphql': null,
      'apps/web/src/planted.tsx':
        'export const Planted_NoSuchFieldQuery = graphql(`\n  query Planted_NoSuchFieldQuery {\n    noSuchField\n  }\n`);\n',
    });

    const result = check(root, 'web-operations');

    assert.notEqual(result.status, 0);
    assert.match(result.output, /Cannot query field "noSuchField" on type "Query"/);
    // The planted field is the only problem found (the generated types and the name are fine).
    assert.doesNotMatch(result.output, /✗ (?!house rule).*(stale|is not named|untyped gql)/);
    assert.match(result.output, /does not validate against packages\/schema\/schema\.graphql/);
  });

  it('fails when a package lacks one of the verbs build, typecheck, test', () => {
    const root = fixture({
      'package.json': JSON.stringify({ workspaces: ['packages/a', 'packages/b'] }),
      'turbo.json': JSON.stringify({ tasks: { build: {}, typecheck: {}, test: {} } }),
      'packages/a/package.json': JSON.stringify({ scripts: { build: 'tsc', typecheck: 'tsc', test: 'node --test' } }),
      'packages/b/package.json': JSON.stringify({ scripts: { build: 'tsc', typecheck: 'tsc' } }),
    });

    const result = check(root, 'package-verbs');

    assert.notEqual(result.status, 0);
    assert.match(result.output, /packages\/b\/package\.json has no "test" script/);
    assert.doesNotMatch(result.output, /packages\/a\//);
  });
});
