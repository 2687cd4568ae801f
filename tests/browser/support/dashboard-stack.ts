import { freshDatabaseUrl } from '../../../apps/server/test/support/test-database.js';
// Starts what the browser tests drive: the GraphQL server from sources with the demo fleet, the standalone
// dashboard build, and Chromium; plus helpers to talk to the API and pick demo devices.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// biome-ignore lint/suspicious/noUndeclaredEnvVars: read by the browser tests only, not an input of any turbo task
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const outputDir = path.join(repoRoot, 'test-output');
export const chromiumMissing = !existsSync(chromiumPath);
// Locally a missing browser skips; in CI it must fail so the suite cannot go green without running.
export const skip = chromiumMissing && process.env.CI !== 'true' ? `chromium not found at ${chromiumPath}` : false;

export const IN_FLIGHT = ['queued', 'running', 'storing'];
/** How long a page may take to show something: minutes, so only what never appears fails (not a busy CI box). */
export const uiPatienceMs = 2 * 60_000;
export const ADMIN_PASSWORD = 'browser-test-password';

const standaloneServer = path.join(repoRoot, 'apps/web/.next/standalone/apps/web/server.js');

export type DemoDevice = {
  id: string;
  name: string;
  pluginKey: string;
  enabled: boolean;
  lastJob: { status: string } | null;
  lastBackup: { id: string } | null;
};

export type GraphqlResponse = { data?: Record<string, unknown>; errors?: unknown[] };

export type DashboardStack = {
  graphqlUrl: string;
  webUrl: string;
  browser: Browser;
  page: Page;
  /** Calls the API as the admin (Bearer session token from signing in). */
  graphql(query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse>;
  /** Signs in through the API again (after a password change ended the old session). */
  signInApi(password: string): Promise<void>;
  /** Waits until the demo fleet has a device matching `accept` (methods maps plugin key → isBinary). */
  pickDevice(what: string, accept: (device: DemoDevice, methods: Map<string, boolean>) => boolean): Promise<DemoDevice>;
  /** A demo device with a text backup method and no job in flight. */
  pickTextDevice(): Promise<DemoDevice>;
  stop(): Promise<void>;
};

/**
 * Debian's chromium, headless. The background-networking flags matter here: without them Chromium keeps
 * dialling Google services that this machine's closed network refuses.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** `serverEnv` adds to or overrides the API server's environment (e.g. a shorter change debounce). */
export async function startDashboardStack(
  options: { serverEnv?: Record<string, string> } = {},
): Promise<DashboardStack> {
  ensureWebBuild();
  const children: ChildProcess[] = [];
  const apiPort = await freePort();
  const webPort = await freePort();
  const webUrl = `http://127.0.0.1:${webPort}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'devicevault-browser-'));
  // On the PostgreSQL run every stack needs a database of its own: stacks running side by side with one
  // database but different data dirs can't decrypt each other's credentials or read each other's blobs.
  const database = await freshDatabaseUrl();
  const graphqlUrl = `http://127.0.0.1:${apiPort}/graphql`;
  let token = '';
  let browser: Browser | undefined;

  async function graphql(query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse> {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphqlResponse;
  }

  async function signInApi(password: string): Promise<void> {
    token = '';
    const { data, errors } = await graphql(
      'mutation ($password: String!) { login(input: { username: "admin", password: $password }) { __typename ... on LoginSuccess { token } } }',
      { password },
    );
    const login = data?.login as { __typename: string; token?: string } | undefined;
    assert.ok(login?.token, `signing in failed: ${JSON.stringify(errors ?? login)}`);
    token = login.token;
  }

  async function stop(): Promise<void> {
    await browser?.close();
    await Promise.all(children.map(stopChild));
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  try {
    const api = startChild(
      'server',
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'apps/server/src/main.ts'],
      {
        PORT: String(apiPort),
        DEVICEVAULT_DATA_DIR: dataDir,
        DEVICEVAULT_DEMO: '1',
        DEVICEVAULT_ADMIN_PASSWORD: ADMIN_PASSWORD,
        ...(database.url ? { DATABASE_URL: database.url } : {}),
        // The server only answers cross-origin requests (CORS with credentials) from the dashboard's origin.
        DEVICEVAULT_WEB_ORIGIN: webUrl,
        ...options.serverEnv,
      },
    );
    children.push(api);
    const web = startChild('web', process.execPath, [standaloneServer], {
      PORT: String(webPort),
      HOSTNAME: '127.0.0.1',
      DEVICEVAULT_GRAPHQL_URL: graphqlUrl,
      NEXT_TELEMETRY_DISABLED: '1',
    });
    children.push(web);

    await waitFor(
      'the GraphQL server',
      api,
      async () => (await graphql('{ __typename }')).data?.__typename === 'Query',
    );
    await waitFor('the dashboard', web, async () => (await fetch(`${webUrl}/`)).ok);
    await signInApi(ADMIN_PASSWORD);

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page.setDefaultTimeout(uiPatienceMs);
    page.on('pageerror', (error) => console.error(`[browser] ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') console.error(`[browser console] ${message.text()}`);
    });

    async function pickDevice(
      what: string,
      accept: (device: DemoDevice, methods: Map<string, boolean>) => boolean,
    ): Promise<DemoDevice> {
      let chosen: DemoDevice | undefined;
      await waitFor(what, undefined, async () => {
        const { data } = await graphql(
          '{ devices(first: 100) { edges { node { id name pluginKey enabled lastJob { status } lastBackup { id } } } } backupMethods { key isBinary } }',
        );
        const methods = new Map(
          ((data?.backupMethods ?? []) as { key: string; isBinary: boolean }[]).map((method) => [
            method.key,
            method.isBinary,
          ]),
        );
        const devices = ((data?.devices as { edges: { node: DemoDevice }[] } | undefined)?.edges ?? []).map(
          (edge) => edge.node,
        );
        const candidates = devices.filter((device) => device.enabled && accept(device, methods));
        // Prefer one whose last job succeeded: the fleet may include devices that fail on purpose.
        chosen = candidates.find((device) => device.lastJob?.status === 'succeeded') ?? candidates[0];
        return chosen !== undefined;
      });
      return chosen!;
    }

    return {
      graphqlUrl,
      webUrl,
      browser,
      page,
      graphql,
      signInApi,
      pickDevice,
      pickTextDevice: () =>
        pickDevice('a demo device with a text backup method', (device, methods) => {
          if (methods.get(device.pluginKey) !== false) return false;
          return !device.lastJob || !IN_FLIGHT.includes(device.lastJob.status);
        }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Signs in on the dashboard's /login page (the browser gets the session cookie). */
export async function signInThroughUi(
  page: Page,
  webUrl: string,
  password = ADMIN_PASSWORD,
  username = 'admin',
): Promise<void> {
  await page.goto(`${webUrl}/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The form sends the user back where they came from (`?next=`), the overview by default.
  await page.waitForURL((url) => url.origin === webUrl && !url.pathname.startsWith('/login'));
}

export async function waitForSettled(page: Page, deviceId: string): Promise<void> {
  await page.waitForFunction(
    ({ id, inFlight }) => {
      const status = document.querySelector(`[data-testid="device-status-${id}"]`)?.getAttribute('data-status');
      return status !== undefined && status !== null && !inFlight.includes(status);
    },
    { id: deviceId, inFlight: IN_FLIGHT },
    { timeout: uiPatienceMs },
  );
}

export async function waitFor(
  what: string,
  child: ChildProcess | undefined,
  check: () => Promise<boolean>,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} while starting`);
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

function ensureWebBuild(): void {
  if (existsSync(path.join(path.dirname(standaloneServer), '.next/static'))) return;
  const build = spawnSync('npm', ['run', 'build'], {
    cwd: path.join(repoRoot, 'apps/web'),
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: 'inherit',
  });
  assert.equal(build.status, 0, 'building apps/web failed');
}

const stopping = new WeakSet<ChildProcess>();

function startChild(name: string, command: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('exit', (code, signal) => {
    if (!stopping.has(child)) console.error(`[${name}] exited early (${code ?? signal})\n${output.join('')}`);
  });
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  stopping.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** A port nothing listens on right now (the OS picks it), for a child process to bind. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
