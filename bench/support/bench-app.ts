/** A real DeviceVault server for benchmarks: its own data dir and database, signed in as the admin. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, buildApp } from '../../apps/server/src/app.js';
import type { Env } from '../../apps/server/src/env.js';
import { createLogger } from '../../apps/server/src/log.js';
import { freshDatabaseUrl } from '../../apps/server/test/support/test-database.js';
import type { GqlData } from '../../apps/server/test/support/test-server.js';

export interface BenchApp {
  app: App;
  url: string;
  dataDir: string;
  /** The fresh PostgreSQL database's URL; undefined on PGlite. */
  databaseUrl: string | undefined;
  token: string;
  /** An API token of the admin (REST clients such as the Oxidized-compatible API use one). */
  apiToken: string;
  gql<T = GqlData>(query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: unknown[] }>;
  stop(): Promise<void>;
}

const adminPassword = 'bench-admin-password';

export async function startBenchApp(overrides: Partial<Env> = {}): Promise<BenchApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dv-bench-'));
  const database = await freshDatabaseUrl();
  const env: Env = {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: database.url,
    dataDir,
    secretKey: undefined,
    demo: false,
    adminPassword,
    workers: 1,
    jobTimeoutSeconds: 60,
    maxTextBytes: 64 * 1024 * 1024,
    publicUrl: undefined,
    webOrigin: 'http://localhost:3000',
    logLevel: 'silent',
    ...overrides,
  } as Env;
  const app = await buildApp(env, { log: createLogger('silent') });
  const { url } = await app.start(0);
  const login = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation ($input: LoginInput!) { login(input: $input) { ... on LoginSuccess { token } } }',
      variables: { input: { username: 'admin', password: adminPassword } },
    }),
  });
  const token = ((await login.json()) as { data: { login: { token: string } } }).data.login.token;
  const minted = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: 'mutation { createApiToken(input: { name: "bench" }) { ... on CreateApiTokenSuccess { token } } }',
    }),
  });
  const apiToken = ((await minted.json()) as { data: { createApiToken: { token: string } } }).data.createApiToken.token;
  return {
    app,
    url,
    dataDir,
    databaseUrl: database.url,
    token,
    apiToken,
    async gql(query, variables) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return response.json() as Promise<{ data?: GqlData; errors?: unknown[] }>;
    },
    async stop() {
      await app.stop();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
