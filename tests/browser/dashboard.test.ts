// Drives the built dashboard in Chromium against a real server with the demo fleet: a manual backup
// must show its progress live in the devices table and its text must be readable on the device page.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page, WebSocketRoute } from 'playwright-core';
import {
  chromiumMissing,
  chromiumPath,
  type DashboardStack,
  IN_FLIGHT,
  outputDir,
  signInThroughUi,
  skip,
  startDashboardStack,
  uiPatienceMs,
  waitForSettled,
} from './support/dashboard-stack.js';

describe('dashboard', () => {
  let stack: DashboardStack;
  let page: Page;
  let webUrl = '';

  before(async () => {
    if (chromiumMissing) return;
    stack = await startDashboardStack();
    page = stack.page;
    webUrl = stack.webUrl;
  });

  after(async () => {
    await stack?.stop();
  });

  it('shows a manual backup progressing live and its text on the device page', { skip }, async () => {
    assert.ok(!chromiumMissing, `chromium not found at ${chromiumPath} (apt-get install -y chromium)`);
    const device = await stack.pickTextDevice();

    await page.goto(`${webUrl}/devices`);
    await page.waitForURL(/\/login\?next=/);
    await signInThroughUi(page, webUrl);
    await page.goto(`${webUrl}/devices`);
    const statusCell = page.getByTestId(`device-status-${device.id}`);
    await statusCell.waitFor({ timeout: uiPatienceMs });
    await waitForSettled(page, device.id);
    await page.evaluate((deviceId) => {
      const cell = document.querySelector(`[data-testid="device-status-${deviceId}"]`);
      const seen: string[] = [];
      Object.assign(window, { __noReload: true, __statusSeen: seen });
      new MutationObserver(() => seen.push(cell?.getAttribute('data-status') ?? '')).observe(cell!, {
        attributes: true,
        attributeFilter: ['data-status'],
      });
    }, device.id);
    await page.getByTestId(`backup-now-${device.id}`).click();

    // Done once the new job has been seen in flight and then reached an end state.
    await page.waitForFunction(
      ({ deviceId, inFlight }) => {
        const seen = (window as unknown as { __statusSeen: string[] }).__statusSeen;
        const status = document.querySelector(`[data-testid="device-status-${deviceId}"]`)?.getAttribute('data-status');
        return seen.some((s) => inFlight.includes(s)) && (status === 'succeeded' || status === 'failed');
      },
      { deviceId: device.id, inFlight: IN_FLIGHT },
      { timeout: uiPatienceMs },
    );
    const { noReload, seen } = await page.evaluate(() => {
      const state = window as unknown as { __noReload?: boolean; __statusSeen?: string[] };
      return { noReload: state.__noReload === true, seen: state.__statusSeen ?? [] };
    });
    mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: path.join(outputDir, 'dashboard.png'), fullPage: true });

    assert.equal(noReload, true, 'the page reloaded while the backup ran');
    assert.ok(
      seen.some((status) => IN_FLIGHT.includes(status)),
      `expected an in-flight status before succeeded, saw ${JSON.stringify(seen)}`,
    );
    assert.equal(await statusCell.getAttribute('data-status'), 'succeeded', (await statusCell.textContent()) ?? '');
    assert.match((await statusCell.textContent()) ?? '', /succeeded/);

    await page.getByRole('link', { name: device.name, exact: true }).click();
    const textRow = page.locator('[data-testid^="backup-row-"][data-type="text"]').first();
    await textRow.waitFor({ timeout: uiPatienceMs });
    await textRow.getByRole('button', { name: 'View' }).click();
    const content = page.getByTestId('backup-content');
    await content.waitFor({ timeout: uiPatienceMs });
    await page.screenshot({ path: path.join(outputDir, 'device.png'), fullPage: true });

    assert.match((await textRow.textContent()) ?? '', /Text/);
    assert.ok(((await content.textContent()) ?? '').trim().length > 0, 'the text backup rendered empty');
  });

  it('offers binary backups for download only and never renders their content', { skip }, async () => {
    assert.ok(!chromiumMissing, `chromium not found at ${chromiumPath} (apt-get install -y chromium)`);
    const device = await stack.pickDevice('a demo device with a binary backup', (candidate, methods) =>
      Boolean(methods.get(candidate.pluginKey) && candidate.lastBackup),
    );

    await page.goto(`${webUrl}/devices/${encodeURIComponent(device.id)}`);
    const binaryRow = page.locator('[data-testid^="backup-row-"][data-type="binary"]').first();
    await binaryRow.waitFor({ timeout: uiPatienceMs });
    await binaryRow.click();
    const viewer = page.getByTestId('backup-viewer');
    await viewer.waitFor({ timeout: uiPatienceMs });
    // The viewer shows "Loading…" until the backup's metadata arrives.
    await viewer.getByText('Binary file — download only').waitFor({ timeout: uiPatienceMs });

    assert.match((await binaryRow.textContent()) ?? '', /Binary/);
    assert.match((await binaryRow.textContent()) ?? '', /Binary file — download only/);
    assert.match((await viewer.textContent()) ?? '', /Binary file — download only/);
    assert.equal(await page.getByTestId('backup-content').count(), 0);
  });

  it('re-reads the overview when a dropped live connection comes back, so changes made meanwhile show', {
    skip,
  }, async () => {
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const overview = await context.newPage();
    overview.setDefaultTimeout(uiPatienceMs);
    // Every WebSocket of this tab goes through here, so the test can drop them and refuse new ones.
    let refusing = false;
    const sockets = new Set<WebSocketRoute>();
    await overview.routeWebSocket(/\/graphql/, (socket) => {
      if (refusing) return socket.close({ code: 1012, reason: 'test: server restarting' });
      socket.connectToServer();
      sockets.add(socket);
    });
    await signInThroughUi(overview, webUrl);
    await overview.goto(`${webUrl}/`);
    await overview.waitForFunction(
      () => document.querySelector('[data-testid="live-indicator"]')?.getAttribute('data-state') === 'live',
    );
    const before = Number(await overview.getByTestId('count-total').textContent());
    await overview.evaluate(() => Object.assign(window, { __noReload: true }));

    refusing = true;
    for (const socket of sockets) await socket.close({ code: 1012, reason: 'test: server restarting' });
    await overview.waitForFunction(
      () => document.querySelector('[data-testid="live-indicator"]')?.getAttribute('data-state') !== 'live',
    );
    const { data, errors } = await stack.graphql(
      'mutation { createDevice(input: { name: "reconnect-probe", host: "127.0.0.1", pluginKey: "noop" }) { __typename } }',
    );
    assert.equal(
      (data?.createDevice as { __typename?: string } | undefined)?.__typename,
      'CreateDeviceSuccess',
      JSON.stringify(errors),
    );
    refusing = false;
    await overview.waitForFunction(
      (expected) => Number(document.querySelector('[data-testid="count-total"]')?.textContent) === expected,
      before + 1,
    );
    const noReload = await overview.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true);
    await overview.screenshot({ path: path.join(outputDir, 'overview-after-reconnect.png') });
    await context.close();

    assert.equal(noReload, true, 'the overview reloaded instead of re-reading');
  });
});
