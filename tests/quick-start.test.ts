/**
 * The README's quick start, as a newcomer runs it: `npm start` on a fresh data dir must, within 60 s, answer
 * GraphQL on :4000, serve the dashboard on :3000 listing the demo devices, and show a successful demo backup.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshDatabaseUrl } from '../apps/server/test/support/test-database.js';
import { launchChromium, repoRoot, skip } from './browser/support/dashboard-stack.js';

const adminPassword = 'quick-start-password';
const api = 'http://localhost:4000/graphql';

async function until<T>(what: string, by: number, probe: () => Promise<T | undefined | false>): Promise<T> {
  let last: unknown;
  while (Date.now() < by) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not happen within 60 s of npm start${last ? ` (last error: ${String(last)})` : ''}`);
}

async function graphql(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(api, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return response.ok ? response.json() : undefined;
}

describe('npm start on a fresh clone', { skip }, () => {
  let start: ChildProcess;
  let dataDir: string;
  let dropDatabase = async () => {};
  let startedBy = 0;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'dv-quick-start-'));
    const database = await freshDatabaseUrl();
    dropDatabase = database.drop;
    startedBy = Date.now() + 60_000;
    // Its own process group, so stopping it stops npm, the launcher, the server and the dashboard together.
    start = spawn('npm', ['start'], {
      cwd: repoRoot,
      detached: true,
      stdio: 'ignore',
      env: {
        ...process.env,
        DEVICEVAULT_DATA_DIR: dataDir,
        DEVICEVAULT_ADMIN_PASSWORD: adminPassword,
        ...(database.url ? { DATABASE_URL: database.url } : {}),
        PORT: '4000',
        WEB_PORT: '3000',
      },
    });
  });

  after(async () => {
    if (start?.pid) {
      try {
        process.kill(-start.pid, 'SIGTERM');
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      try {
        process.kill(-start.pid, 'SIGKILL');
      } catch {}
    }
    await dropDatabase();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers GraphQL, lists the demo devices in the dashboard and backs one up within 60 s', async () => {
    await until(
      'POST /graphql {__typename}',
      startedBy,
      async () => (await graphql('{ __typename }'))?.data?.__typename,
    );

    const login = await graphql(
      'mutation ($input: LoginInput!) { login(input: $input) { ... on LoginSuccess { token } } }',
      { input: { username: 'admin', password: adminPassword } },
    );
    const token = login.data.login.token as string;
    const devices = await until('a successful demo backup', startedBy, async () => {
      const result = await graphql('{ devices(first: 50) { edges { node { name lastJob { status } } } } }', {}, token);
      const nodes = (result?.data?.devices.edges ?? []).map((edge: { node: unknown }) => edge.node) as {
        name: string;
        lastJob: { status: string } | null;
      }[];
      return nodes.some((node) => node.lastJob?.status === 'succeeded') && nodes;
    });

    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await until('the dashboard on :3000', startedBy, async () => (await fetch('http://localhost:3000/login')).ok);
      await page.goto('http://localhost:3000/');
      await page.waitForURL(/\/login/);
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password').fill(adminPassword);
      await page.getByRole('button', { name: /sign in/i }).click();
      for (const device of devices.filter((node) => node.name.startsWith('demo-'))) {
        await page
          .getByText(device.name, { exact: true })
          .waitFor({ timeout: Math.max(1_000, startedBy - Date.now()) });
      }
      mkdirSync(path.join(repoRoot, 'test-output'), { recursive: true });
      await page.screenshot({ path: path.join(repoRoot, 'test-output', 'quick-start.png'), fullPage: true });
    } finally {
      await browser.close();
    }

    assert.ok(Date.now() <= startedBy, 'everything above must happen within 60 s of npm start');
    assert.ok(devices.filter((node) => node.name.startsWith('demo-')).length >= 2, 'the demo fleet is listed');
  });
});
