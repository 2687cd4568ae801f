// Usable everywhere (issue 15): axe finds no serious or critical violation on any page, no page scrolls
// sideways on a 390×844 phone (tables scroll inside their own box), every page has its own title, and
// signing in and starting a backup work from the keyboard alone. Screenshots go to test-output/.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  chromiumMissing,
  type DashboardStack,
  IN_FLIGHT,
  outputDir,
  signInThroughUi,
  skip,
  startDashboardStack,
  uiPatienceMs,
} from './support/dashboard-stack.js';

const PAGES = [
  '/',
  '/devices',
  '/devices/new',
  '/devices/import',
  '/jobs',
  '/alerts',
  '/search',
  '/admin',
  '/admin/backup-methods',
  '/admin/credentials',
  '/admin/device-groups',
  '/admin/collection-groups',
  '/admin/retention-storage',
  '/admin/config-rules',
  '/admin/inventory',
  '/admin/network-policy',
  '/admin/users',
  '/admin/alert-rules',
  '/admin/channels',
  '/admin/tokens',
  '/admin/audit',
  '/compare',
  '/login',
];

describe('accessibility and small screens', () => {
  let stack: DashboardStack;
  let webUrl = '';

  before(async () => {
    if (chromiumMissing) return;
    stack = await startDashboardStack();
    webUrl = stack.webUrl;
    mkdirSync(outputDir, { recursive: true });
  });

  after(async () => {
    await stack?.stop();
  });

  it('signs in and starts a backup with the keyboard alone', { skip }, async () => {
    const device = await stack.pickTextDevice();
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(uiPatienceMs);
    await page.goto(`${webUrl}/login`);
    await tabTo(page, 'input[name="username"]');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type(ADMIN_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));

    await page.goto(`${webUrl}/devices?q=${encodeURIComponent(device.name)}`);
    const label = `Back up ${device.name}`;
    await page.getByRole('button', { name: label }).waitFor();
    await page.waitForFunction((id) => {
      const button = document.querySelector(`[data-testid="backup-now-${id}"]`) as HTMLButtonElement | null;
      return button !== null && !button.disabled;
    }, device.id);
    // The first Tab on a page reaches the skip link, which points at the main content.
    await page.keyboard.press('Tab');
    const firstFocus = await page.evaluate(() => ({
      text: document.activeElement?.textContent?.trim() ?? '',
      target: document.querySelector(document.activeElement?.getAttribute('href') ?? '#none')?.tagName ?? '',
    }));
    await tabTo(page, `[data-testid="backup-now-${device.id}"]`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      ({ id, inFlight }) => {
        const status = document.querySelector(`[data-testid="device-status-${id}"]`)?.getAttribute('data-status') ?? '';
        return inFlight.includes(status) || status === 'succeeded';
      },
      { id: device.id, inFlight: IN_FLIGHT },
    );
    // Kept as it is seen: each later status clears the region for 50 ms before it is announced (so a repeat is
    // read again), and a read after the screenshot once landed in such a gap.
    const announcement = String(
      await (
        await page.waitForFunction(() => {
          const text = document.querySelector('[data-testid="announcer"]')?.textContent ?? '';
          return /Backup of/.test(text) ? text : null;
        })
      ).jsonValue(),
    );
    await page.screenshot({ path: path.join(outputDir, 'keyboard-backup.png') });
    // The device page's job log names the zone of its times, as the downloads do.
    await page.goto(`${webUrl}/devices/${encodeURIComponent(device.id)}`);
    const jobLog = page.getByTestId('job-log').first();
    await jobLog.waitFor({ state: 'attached' });
    const firstLogLine = (await jobLog.locator('li').first().textContent()) ?? '';
    // Per-row buttons say which version they act on, with its zone.
    await page.locator('[data-testid^="backup-row-"]').first().waitFor();
    const viewNames = await page
      .locator('[data-testid^="view-backup-"], [data-testid^="compare-previous-"]')
      .evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-label') ?? button.textContent ?? ''));
    await context.close();

    assert.match(announcement, new RegExp(`Backup of ${device.name}`));
    assert.deepEqual(firstFocus, { text: 'Skip to content', target: 'MAIN' });
    // View on every text version; Compare with previous on all but the oldest listed.
    assert.ok(viewNames.length >= 1, JSON.stringify(viewNames));
    assert.ok(
      viewNames.every((name) =>
        /^(View|Compare with previous:) the version of .+\d{2}:\d{2}:\d{2} [A-Z]{3,5}/.test(name),
      ),
      JSON.stringify(viewNames),
    );
    assert.match(firstLogLine, /\d{2}:\d{2}:\d{2} (UTC|GMT|[A-Z]{3,5}\b)/);
  });

  it('has no serious or critical axe violation (contrast in both themes), a title of its own and no sideways scroll at 390 px on every page', {
    skip,
  }, async () => {
    const device = await stack.pickTextDevice();
    const pages = [
      ...PAGES,
      `/devices/${encodeURIComponent(device.id)}`,
      `/devices/${encodeURIComponent(device.id)}/edit`,
    ];
    const results: { path: string; violations: string[]; title: string; overflow: number; culprits: string[] }[] = [];
    for (const viewport of [
      { width: 1280, height: 800, name: 'desktop' },
      { width: 390, height: 844, name: 'phone' },
    ]) {
      const context = await stack.browser.newContext({
        viewport,
        colorScheme: viewport.name === 'phone' ? 'dark' : 'light',
      });
      const page = await context.newPage();
      page.setDefaultTimeout(uiPatienceMs);
      await signInThroughUi(page, webUrl);
      for (const pagePath of pages) {
        await page.goto(`${webUrl}${pagePath}`);
        await page.locator('main h1').first().waitFor();
        // Let first data arrive (no "Loading…" left) so axe sees the real page.
        await page
          .waitForFunction(() => !/Loading/.test(document.querySelector('main')?.textContent ?? ''), undefined, {
            timeout: 30_000,
          })
          .catch(() => {});
        const title = await page.title();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        // Which elements stick out (tables scroll inside .table-wrap, so their cells don't count).
        const culprits =
          overflow > 0
            ? await page.evaluate(() =>
                [...document.querySelectorAll('body *')]
                  .filter((element) => !element.closest('.table-wrap'))
                  .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
                  .slice(-3)
                  .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join('.')}`),
              )
            : [];
        // Desktop runs every rule in the light theme; the phone (dark theme) checks contrast again.
        const axe =
          viewport.name === 'desktop'
            ? await new AxeBuilder({ page }).analyze()
            : await new AxeBuilder({ page }).withRules(['color-contrast']).analyze();
        const violations = (axe?.violations ?? [])
          .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
          .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
        results.push({ path: `${viewport.name} ${pagePath}`, violations, title, overflow, culprits });
        const slug = pagePath === '/' ? 'overview' : pagePath.replace(/^\//, '').replace(/[^a-z0-9]+/gi, '-');
        await page.screenshot({ path: path.join(outputDir, `page-${viewport.name}-${slug}.png`), fullPage: true });
      }
      await context.close();
    }

    const failures = results.filter((result) => result.violations.length > 0);
    assert.deepEqual(failures, [], JSON.stringify(failures, null, 2));
    const wide = results.filter((result) => result.overflow > 0);
    assert.deepEqual(wide, [], JSON.stringify(wide, null, 2));
    const titles = new Set(results.filter((result) => result.path.startsWith('desktop')).map((result) => result.title));
    assert.equal(titles.size, pages.length, `every page has its own title: ${[...titles].join(' | ')}`);
  });

  it('shows a viewer no action button on any page and no [GraphQL] prefix; their own API token is shown once and revocable', {
    skip,
  }, async () => {
    const suffix = Date.now().toString(36);
    const call = async (query: string, variables: Record<string, unknown>) => {
      const { data, errors } = await stack.graphql(query, variables);
      assert.equal(errors, undefined, JSON.stringify(errors));
      return data as Record<string, Record<string, unknown>>;
    };
    const group = (
      await call(
        'mutation ($input: CreateDeviceGroupInput!) { createDeviceGroup(input: $input) { ... on CreateDeviceGroupSuccess { deviceGroup { id } } } }',
        {
          input: { name: `viewer-group-${suffix}` },
        },
      )
    ).createDeviceGroup!.deviceGroup as { id: string };
    const device = (
      await call(
        'mutation ($input: CreateDeviceInput!) { createDevice(input: $input) { ... on CreateDeviceSuccess { device { id } } } }',
        {
          input: { name: `viewer-sw-${suffix}`, host: '127.0.0.1', pluginKey: 'binary_dummy', deviceGroupId: group.id },
        },
      )
    ).createDevice!.device as { id: string };
    const password = `viewer-password-${suffix}`;
    await call('mutation ($input: CreateUserInput!) { createUser(input: $input) { __typename } }', {
      input: { username: `page-viewer-${suffix}`, role: 'viewer', password, deviceGroupIds: [group.id] },
    });

    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(uiPatienceMs);
    await signInThroughUi(page, webUrl, password, `page-viewer-${suffix}`);
    const pages = [
      ...PAGES.filter((pagePath) => pagePath !== '/admin/tokens' && pagePath !== '/login'),
      `/devices/${encodeURIComponent(device.id)}`,
      `/devices/${encodeURIComponent(device.id)}/edit`,
      // A device outside the viewer's group: whatever the server answers is shown without transport prefixes.
      `/devices/${encodeURIComponent((await stack.pickTextDevice()).id)}`,
      '/compare?from=no-such-version&to=no-such-version',
    ];
    const ACTION =
      /^(Back up|Cancel|Create|Edit|Delete|Remove|Archive|Disable|Enable|Forget|Acknowledge|Send test|Save|Import|Add|Sync|Run|Move|Restore|Reset|Revoke|Check|Test|Retry)\b/i;
    const offered: { path: string; actions: string[] }[] = [];
    for (const pagePath of pages) {
      await page.goto(`${webUrl}${pagePath}`);
      await page.locator('main h1').first().waitFor();
      await page
        .waitForFunction(
          () => !/Loading|Comparing/.test(document.querySelector('main')?.textContent ?? ''),
          undefined,
          {
            timeout: 30_000,
          },
        )
        .catch(() => {});
      const names = await page.evaluate(() =>
        [...document.querySelectorAll('main button, main a, main input[type="submit"]')]
          .filter((element) => (element as HTMLElement).offsetParent !== null)
          .map((element) => (element.getAttribute('aria-label') ?? element.textContent ?? '').trim()),
      );
      const actions = names.filter((name) => ACTION.test(name));
      const text = (await page.locator('main').textContent()) ?? '';
      const prefixed = /\[(GraphQL|Network)\]/.test(text) ? [text.slice(0, 200)] : [];
      if (actions.length > 0 || prefixed.length > 0)
        offered.push({ path: pagePath, actions: [...actions, ...prefixed] });
    }

    // What a viewer may do: create an API token of their own (its secret shown once) and revoke it.
    await page.goto(`${webUrl}/admin/tokens`);
    await page.getByTestId('token-form').getByLabel('Name', { exact: true }).fill(`viewer-script-${suffix}`);
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = ((await page.getByTestId('new-token').locator('code').textContent()) ?? '').trim();
    const asToken = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: '{ viewer { username } }' }),
    }).then((response) => response.json() as Promise<{ data?: { viewer?: { username: string } | null } }>);
    await page.reload();
    await page.getByTestId('tokens-table').getByText(`viewer-script-${suffix}`).waitFor();
    const shownAgain = {
      notice: await page.getByTestId('new-token').count(),
      secret: (await page.content()).includes(secret),
    };
    await page.getByRole('button', { name: `Revoke token viewer-script-${suffix}` }).click();
    await page.getByRole('button', { name: `Revoke token viewer-script-${suffix}` }).waitFor({ state: 'detached' });
    const afterRevoke = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: '{ viewer { username } }' }),
    }).then((response) => response.json() as Promise<{ data?: { viewer?: { username: string } | null } }>);
    await context.close();

    assert.deepEqual(offered, [], JSON.stringify(offered, null, 2));
    assert.ok(secret.length >= 20, secret);
    assert.equal(asToken.data?.viewer?.username, `page-viewer-${suffix}`);
    assert.deepEqual(shownAgain, { notice: 0, secret: false });
    assert.notEqual(afterRevoke.data?.viewer?.username, `page-viewer-${suffix}`, 'the revoked token still works');
  });
});

/** Presses Tab until the focused element matches the CSS selector (at most 80 times). */
async function tabTo(page: Page, selector: string): Promise<void> {
  for (let presses = 0; presses < 80; presses += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((css) => document.activeElement?.matches(css) ?? false, selector)) return;
  }
  throw new Error(`${selector} was never focused with Tab`);
}
