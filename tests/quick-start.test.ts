/**
 * The README's quick start, as a newcomer runs it: `npm start` on a fresh data dir answers GraphQL, serves
 * the dashboard listing the demo devices, and shows a successful demo backup. It runs on free ports (PORT,
 * WEB_PORT) and proves it talks to the stack it started: the admin password is new in every run, so only
 * that server accepts it. It waits with a deadline of minutes and fails only when something never happens;
 * how long it takes is a benchmark figure (bench/quick-start.ts), not an assertion.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshDatabaseUrl } from '../apps/server/test/support/test-database.js';
import { freePort, launchChromium, repoRoot, skip } from './browser/support/dashboard-stack.js';

/** Far beyond any healthy start (a cold build included); only a stack that never gets there fails. */
const patienceMs = 15 * 60_000;

describe('npm start on a fresh clone', { skip }, () => {
  const adminPassword = `quick-start-${randomUUID()}`;
  let start: ChildProcess;
  let runDir: string;
  let logPath: string;
  let apiPort: number;
  let webPort: number;
  let deadline = 0;
  let dropDatabase = async () => {};

  /** Polls `probe` until it returns something truthy; fails if npm start exits or the deadline passes. */
  async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
    let last: unknown;
    while (Date.now() < deadline) {
      if (start.exitCode !== null || start.signalCode !== null) {
        throw new Error(`npm start exited (${start.exitCode ?? start.signalCode}) before ${what}:\n${logTail()}`);
      }
      try {
        const value = await probe();
        if (value) return value;
      } catch (error) {
        last = error;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`${what} never happened${last ? ` (last error: ${String(last)})` : ''}\n${logTail()}`);
  }

  function logTail(): string {
    return readFileSync(logPath, 'utf8').split('\n').slice(-40).join('\n');
  }

  async function graphql(query: string, variables: Record<string, unknown> = {}, token?: string) {
    const response = await fetch(`http://localhost:${apiPort}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return response.ok ? response.json() : undefined;
  }

  before(async () => {
    runDir = mkdtempSync(path.join(tmpdir(), 'dv-quick-start-'));
    logPath = path.join(runDir, 'npm-start.log');
    apiPort = await freePort();
    do webPort = await freePort();
    while (webPort === apiPort);
    const database = await freshDatabaseUrl();
    dropDatabase = database.drop;
    deadline = Date.now() + patienceMs;
    const log = openSync(logPath, 'a');
    // Its own process group, so stopping it stops npm, the launcher, the server and the dashboard together.
    start = spawn('npm', ['start'], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        DEVICEVAULT_DATA_DIR: path.join(runDir, 'data'),
        DEVICEVAULT_ADMIN_PASSWORD: adminPassword,
        ...(database.url ? { DATABASE_URL: database.url } : {}),
        PORT: String(apiPort),
        WEB_PORT: String(webPort),
      },
    });
    closeSync(log);
  });

  after(async () => {
    if (start?.pid) {
      const signalGroup = (signal: NodeJS.Signals) => {
        try {
          process.kill(-start.pid!, signal);
        } catch {}
      };
      const exited =
        start.exitCode === null && start.signalCode === null
          ? new Promise((resolve) => start.once('exit', resolve))
          : Promise.resolve();
      // The whole group, even if npm itself is gone: the server and dashboard it started must not outlive the test.
      signalGroup('SIGTERM');
      const killer = setTimeout(() => signalGroup('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    await dropDatabase();
    rmSync(runDir, { recursive: true, force: true });
  });

  it('answers GraphQL, lists the demo devices in the dashboard and backs one up', async () => {
    await until('GraphQL answering on PORT', async () => (await graphql('{ __typename }'))?.data?.__typename);

    // Only the server this test started knows this run's admin password.
    const login = await graphql(
      'mutation ($input: LoginInput!) { login(input: $input) { __typename ... on LoginSuccess { token } } }',
      { input: { username: 'admin', password: adminPassword } },
    );
    const token = login?.data?.login?.token as string | undefined;
    assert.ok(token, `the server on port ${apiPort} refused this run's admin password: it is not the one started here`);
    const devices = await until('a successful demo backup', async () => {
      const result = await graphql('{ devices(first: 50) { edges { node { name lastJob { status } } } } }', {}, token);
      const nodes = (result?.data?.devices.edges ?? []).map((edge: { node: unknown }) => edge.node) as {
        name: string;
        lastJob: { status: string } | null;
      }[];
      return nodes.some((node) => node.lastJob?.status === 'succeeded') && nodes;
    });
    const webUrl = `http://localhost:${webPort}`;
    await until('the dashboard on WEB_PORT', async () => (await fetch(`${webUrl}/login`)).ok);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(Math.max(60_000, deadline - Date.now()));
      await page.goto(`${webUrl}/`);
      await page.waitForURL(/\/login/);
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password').fill(adminPassword);
      await page.getByRole('button', { name: /sign in/i }).click();
      // Signing in lands on the overview; the devices page lists every device by name.
      await page.waitForURL((url) => !url.pathname.startsWith('/login'));
      await page.goto(`${webUrl}/devices`);
      for (const device of devices.filter((node) => node.name.startsWith('demo-'))) {
        await page
          .getByRole('link', { name: device.name, exact: true })
          .waitFor({ timeout: Math.max(60_000, deadline - Date.now()) });
      }
      mkdirSync(path.join(repoRoot, 'test-output'), { recursive: true });
      await page.screenshot({ path: path.join(repoRoot, 'test-output', 'quick-start.png'), fullPage: true });
    } finally {
      await browser.close();
    }

    assert.ok(devices.filter((node) => node.name.startsWith('demo-')).length >= 2, 'the demo fleet is listed');
  });
});
