/**
 * How long the README's quick start takes: `npm start` (built output, server and dashboard) on a clean data
 * dir → GraphQL answering → the first successful demo backup, beside the time `node -e ''` takes, measured
 * in the same run; the ratios are the figures to compare across machines. PGlite unless DATABASE_URL is set.
 * Builds first (turbo, cached; not timed). Run: node --conditions=source --import tsx bench/quick-start.ts
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freshDatabaseUrl } from '../apps/server/test/support/test-database.js';
import { freePort, repoRoot } from '../tests/browser/support/dashboard-stack.js';

const giveUpAfterMs = 15 * 60_000;

function nodeStartMs(): number {
  const runs = Array.from({ length: 5 }, () => {
    const started = performance.now();
    spawnSync(process.execPath, ['-e', '']);
    return performance.now() - started;
  });
  return runs.sort((a, b) => a - b)[2]!;
}

async function poll<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + giveUpAfterMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} never happened`);
}

function stopGroup(child: ChildProcess): Promise<unknown> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {}
  return exited;
}

const build = spawnSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], {
  cwd: repoRoot,
  stdio: 'inherit',
});
if (build.status !== 0) throw new Error('the build failed');
const baselineMs = nodeStartMs();
const runDir = mkdtempSync(path.join(tmpdir(), 'dv-bench-quick-start-'));
const database = await freshDatabaseUrl();
const apiPort = await freePort();
let webPort = await freePort();
while (webPort === apiPort) webPort = await freePort();
const adminPassword = `bench-${randomUUID()}`;
const api = `http://localhost:${apiPort}/graphql`;

async function graphql(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(api, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return response.ok ? response.json() : undefined;
}

const started = performance.now();
const start = spawn(process.execPath, ['scripts/start.mjs'], {
  cwd: repoRoot,
  detached: true,
  stdio: 'ignore',
  env: {
    ...process.env,
    DEVICEVAULT_SKIP_BUILD: '1',
    DEVICEVAULT_DATA_DIR: path.join(runDir, 'data'),
    DEVICEVAULT_ADMIN_PASSWORD: adminPassword,
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    PORT: String(apiPort),
    WEB_PORT: String(webPort),
  },
});
try {
  await poll('GraphQL answering', async () => (await graphql('{ __typename }'))?.data?.__typename);
  const graphqlMs = performance.now() - started;
  const login = await graphql(
    'mutation ($input: LoginInput!) { login(input: $input) { ... on LoginSuccess { token } } }',
    { input: { username: 'admin', password: adminPassword } },
  );
  const token = login?.data?.login?.token as string | undefined;
  if (!token) throw new Error('the server refused this run’s admin password: another server answers on its port');
  await poll('a successful demo backup', async () => {
    const result = await graphql('{ devices(first: 50) { edges { node { lastJob { status } } } } }', {}, token);
    const edges = (result?.data?.devices.edges ?? []) as { node: { lastJob: { status: string } | null } }[];
    return edges.some((edge) => edge.node.lastJob?.status === 'succeeded');
  });
  const firstBackupMs = performance.now() - started;

  console.log(
    `database=${database.url ? 'postgres' : 'pglite'} node_e_ms=${baselineMs.toFixed(0)} ` +
      `graphql_answering_ms=${graphqlMs.toFixed(0)} first_demo_backup_ms=${firstBackupMs.toFixed(0)}`,
  );
  console.log(`quick_start_graphql_ratio=${(graphqlMs / baselineMs).toFixed(1)}`);
  console.log(`quick_start_first_backup_ratio=${(firstBackupMs / baselineMs).toFixed(1)}`);
} finally {
  await stopGroup(start);
  await database.drop();
  rmSync(runDir, { recursive: true, force: true });
}
