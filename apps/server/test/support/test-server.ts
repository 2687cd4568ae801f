/**
 * Starts the real server on a free port with its own data dir and database, capturing every log line,
 * and gives tests the clients real callers use: GraphQL over HTTP and graphql-ws over WebSocket.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { type App, buildApp } from '../../src/app.js';
import type { Env } from '../../src/env.js';
import { createLogger } from '../../src/log.js';
import { freshDatabaseUrl } from './test-database.js';

/** A GraphQL answer's data as tests read it: each test reads back exactly the fields its document selected. */
// biome-ignore lint/suspicious/noExplicitAny: untyped JSON from the wire; typing every test document would add nothing.
export type GqlData = any;

export interface TestServer {
  app: App;
  url: string;
  dataDir: string;
  /** This test's own PostgreSQL database (for pg_dump), or undefined on PGlite (files under dataDir/pglite). */
  databaseUrl: string | undefined;
  logLines: string[];
  /** Every raw HTTP response body seen by `gql`, for secret-leak checks. */
  responses: string[];
  /** GraphQL over HTTP as the bootstrap admin (or as `token`, or anonymously with `null`). */
  gql<T = GqlData>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }>;
  /** A graphql-ws client signed in as the admin (or as `token`, or anonymous with `null`). */
  ws(token?: string | null): Client;
  adminToken: string;
  stop(): Promise<void>;
}

export async function startTestServer(
  overrides: Partial<Env> = {},
  appOptions: { clock?: () => Date; schedulerTickMs?: number } = {},
): Promise<TestServer> {
  // A second server joining an existing one passes its data dir and database; only what we create is removed.
  const ownDataDir = overrides.dataDir === undefined;
  const dataDir = overrides.dataDir ?? (await mkdtemp(join(tmpdir(), 'dv-test-')));
  const database = overrides.databaseUrl
    ? { url: overrides.databaseUrl, drop: async () => {} }
    : await freshDatabaseUrl();
  const logLines: string[] = [];
  const responses: string[] = [];
  const env: Env = {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: database.url,
    dataDir,
    secretKey: undefined,
    demo: false,
    adminPassword: testAdminPassword,
    workers: 2,
    jobTimeoutSeconds: 20,
    maxTextBytes: 64 * 1024 * 1024,
    publicUrl: undefined,
    webOrigin: 'http://localhost:3000',
    logLevel: 'debug',
    ...overrides,
  };
  const app = await buildApp(env, { log: createLogger('debug', (line) => logLines.push(line)), ...appOptions });
  const { url } = await app.start(0);
  const clients: Client[] = [];
  const adminToken = await signIn(url, 'admin', testAdminPassword);

  return {
    app,
    url,
    dataDir,
    databaseUrl: database.url,
    logLines,
    responses,
    adminToken,
    async gql(query, variables, token = adminToken) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      responses.push(text);
      return JSON.parse(text);
    },
    ws(token = adminToken) {
      const client = createClient({
        url: `${url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((client) => client.dispose()));
      await app.stop();
      await database.drop();
      if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const testAdminPassword = 'admin-password-for-tests';

/** Signs in through the public login mutation and returns the session token. */
export async function signIn(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation ($input: LoginInput!) { login(input: $input) { __typename ... on LoginSuccess { token } } }',
      variables: { input: { username, password } },
    }),
  });
  const result = await response.json();
  const token = result.data?.login?.token;
  if (!token) throw new Error(`sign-in as ${username} failed: ${JSON.stringify(result)}`);
  return token;
}

/**
 * Collects a subscription's events until it completes. The deadline is minutes: it only catches a
 * subscription that never completes, never a slow machine.
 */
export function collectSubscription<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  timeoutMs = 5 * 60_000,
): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const events: T[] = [];
    const timer = setTimeout(
      () => reject(new Error(`subscription did not complete; got ${JSON.stringify(events)}`)),
      timeoutMs,
    );
    client.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors) reject(new Error(JSON.stringify(result.errors)));
          else events.push(result.data as T);
        },
        error: (error) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
        },
        complete: () => {
          clearTimeout(timer);
          resolve(events);
        },
      },
    );
  });
}
