// The issue 15 acceptance flow in Chromium, only through the UI, against a real server with the demo fleet:
// a new admin sets up a credential, groups and a schedule, adds and imports devices, backs the group up
// while the overview and the devices list change live, compares and downloads versions, creates a viewer
// who sees only that group and no actions, wires an alert rule to a webhook whose test is logged, and adds
// an e-mail channel it then edits.
// Screenshots of each step go to test-output/.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  chromiumMissing,
  type DashboardStack,
  IN_FLIGHT,
  outputDir,
  signInThroughUi,
  skip,
  startDashboardStack,
  uiPatienceMs,
} from './support/dashboard-stack.js';

const VIEWER_PASSWORD = 'lab-viewer-password-1';

describe('an admin runs the product from the dashboard', () => {
  let stack: DashboardStack;
  let page: Page;
  let webUrl = '';
  let hook: Server | undefined;
  const hookBodies: string[] = [];

  before(async () => {
    if (chromiumMissing) return;
    stack = await startDashboardStack();
    // A context of its own: the overview opens in a second tab of it, sharing the session cookie.
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(uiPatienceMs);
    webUrl = stack.webUrl;
    mkdirSync(outputDir, { recursive: true });
    hook = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        hookBodies.push(body);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook!.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    hook?.close();
    await stack?.stop();
  });

  async function shot(name: string, target = page) {
    await target.screenshot({ path: path.join(outputDir, `admin-flow-${name}.png`), fullPage: true });
  }

  it('sets up, imports, backs up live, compares, restricts a viewer and tests a webhook, all in the UI', {
    skip,
  }, async () => {
    try {
      await adminFlow();
    } catch (error) {
      // What the page showed when a step gave up: the first thing to look at in CI output.
      for (const [index, open] of page.context().pages().entries())
        await shot(`failure-${index}`, open).catch(() => {});
      throw error;
    }
  });

  async function adminFlow() {
    const demo = await stack.pickDevice('the cisco_ios demo device', (device) => device.pluginKey === 'cisco_ios');
    const { data } = await stack.graphql('query ($id: ID!) { device(id: $id) { port } }', { id: demo.id });
    const demoPort = (data?.device as { port: number } | undefined)?.port;
    assert.ok(demoPort, 'the demo device has a port');

    await signInThroughUi(page, webUrl);

    // Credential (the demo replay servers accept demo / demo-password).
    await page.goto(`${webUrl}/admin/credentials`);
    const credentialForm = page.getByTestId('credential-form');
    await credentialForm.getByLabel('Name', { exact: true }).fill('lab-login');
    await credentialForm.getByLabel('Username', { exact: true }).fill('demo');
    await credentialForm.getByLabel('Secret', { exact: true }).fill('demo-password');
    await credentialForm.getByRole('button', { name: 'Create credential' }).click();
    await page.getByTestId('credentials-table').getByText('lab-login').waitFor();
    await shot('1-credential');

    await page.goto(`${webUrl}/admin/device-groups`);
    await page.getByTestId('device-group-form').getByLabel('Name', { exact: true }).fill('Lab switches');
    await page.getByRole('button', { name: 'Create device group' }).click();
    await page.getByTestId('device-groups-table').getByText('Lab switches').waitFor();

    await page.goto(`${webUrl}/admin/collection-groups`);
    const groupForm = page.getByTestId('collection-group-form');
    await groupForm.getByLabel('Name', { exact: true }).fill('Lab nightly');
    await groupForm.getByLabel('Schedule', { exact: true }).fill('30 2 * * *');
    await groupForm.getByLabel('Time zone', { exact: true }).fill('Europe/Berlin');
    const previewRuns = page.getByTestId('schedule-preview').locator('li');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="schedule-preview"] li').length === 5);
    const firstRun = (await previewRuns.first().textContent()) ?? '';
    await shot('2-collection-group');
    await groupForm.getByRole('button', { name: 'Create collection group' }).click();
    await page.getByTestId('collection-groups-table').getByText('Lab nightly').waitFor();

    // A device with a wrong host shows the server's error on the Host field, then a right one is saved.
    await page.goto(`${webUrl}/devices/new`);
    const deviceForm = page.getByTestId('device-form');
    await deviceForm.getByLabel('Name', { exact: true }).fill('lab-sw-0');
    await deviceForm.getByLabel('Host', { exact: true }).fill('999.1.1.1');
    await deviceForm.getByLabel('Port', { exact: true }).fill(String(demoPort));
    await deviceForm.getByLabel('Backup method', { exact: true }).selectOption('cisco_ios');
    await deviceForm.getByLabel('Credential', { exact: true }).selectOption({ label: 'lab-login (demo)' });
    await deviceForm.getByLabel('Device group', { exact: true }).selectOption({ label: 'Lab switches' });
    await deviceForm
      .getByLabel('Collection group', { exact: true })
      .selectOption({ label: 'Lab nightly · 30 2 * * *' });
    // Masked secrets: everyone sees the scrubbed text, admins may also download the restorable original.
    await deviceForm.getByLabel('Mask secrets in stored versions', { exact: true }).check();
    await deviceForm.getByRole('button', { name: 'Add device' }).click();
    const hostError = deviceForm.getByTestId('field-error');
    await hostError.waitFor();
    const hostErrorText = (await hostError.textContent()) ?? '';
    const hostInvalid = await deviceForm.getByLabel('Host', { exact: true }).getAttribute('aria-invalid');
    await shot('3-device-field-error');
    await deviceForm.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await deviceForm.getByRole('button', { name: 'Add device' }).click();
    await page.waitForURL(/\/devices\/[^/]+$/);
    await page.getByRole('heading', { name: 'lab-sw-0' }).waitFor();

    // CSV import: 20 good rows and 2 bad ones; the dry run reports the 2 and writes nothing.
    const header = 'name,host,pluginKey,port,credential,deviceGroup,collectionGroup';
    const good = Array.from(
      { length: 20 },
      (_, index) => `lab-sw-${index + 1},127.0.0.1,cisco_ios,${demoPort},lab-login,Lab switches,Lab nightly`,
    );
    const bad = [
      'lab-bad-1,not a host!,cisco_ios,22,lab-login,Lab switches,',
      'lab-bad-2,127.0.0.1,no_such_plugin,22,,,',
    ];
    await page.goto(`${webUrl}/devices/import`);
    await page
      .getByLabel('CSV text', { exact: true })
      .fill([header, ...good.slice(0, 10), ...bad, ...good.slice(10)].join('\n'));
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    const summary = page.getByTestId('import-summary');
    await summary.getByText('Dry run').waitFor();
    const dryRunSummary = (await summary.textContent()) ?? '';
    const dryRunErrorRows = await page.getByTestId('import-error-row').count();
    await shot('4-import-dry-run');
    await page.getByRole('button', { name: 'Import valid rows' }).click();
    await summary.getByText('20 devices created').waitFor();

    // Back up the group from the devices list while a second tab shows the overview.
    const overview = await page.context().newPage();
    overview.setDefaultTimeout(uiPatienceMs);
    await overview.goto(`${webUrl}/`);
    const freshCount = overview.getByTestId('count-fresh');
    await overview.waitForFunction(() =>
      /^\d+$/.test(document.querySelector('[data-testid="count-fresh"]')?.textContent ?? ''),
    );
    const freshBefore = Number(await freshCount.textContent());
    const neverBefore = Number(await overview.getByTestId('count-never').textContent());
    await overview.evaluate(() => Object.assign(window, { __noReload: true }));

    await page.goto(`${webUrl}/devices`);
    await page.getByLabel('Group', { exact: true }).selectOption({ label: 'Lab switches' });
    await page.waitForURL(/group=/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="device-row-"]').length === 21);
    await page.evaluate(() => {
      const seen: string[] = [];
      Object.assign(window, { __statusSeen: seen, __noReload: true });
      new MutationObserver((records) => {
        for (const record of records) {
          const status = (record.target as Element).getAttribute?.('data-status');
          if (status) seen.push(status);
        }
      }).observe(document.body, { attributes: true, subtree: true, attributeFilter: ['data-status'] });
    });
    await page.getByRole('button', { name: 'Back up this group' }).click();
    await page.getByTestId('bulk-result').getByText('21 backups queued').waitFor();
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid^="device-status-"]')].every(
          (cell) => cell.getAttribute('data-status') === 'succeeded',
        ),
      undefined,
      { timeout: uiPatienceMs * 2 },
    );
    const rowsLive = await page.evaluate(() => {
      const state = window as unknown as { __noReload?: boolean; __statusSeen?: string[] };
      return { noReload: state.__noReload === true, seen: state.__statusSeen ?? [] };
    });
    await shot('5-group-backed-up');
    // The 21 lab devices leave "never backed up" (demo devices only ever leave it too, and may fail on purpose,
    // so the fresh count is not exact).
    await overview.waitForFunction(
      (expected) => Number(document.querySelector('[data-testid="count-never"]')?.textContent) <= expected,
      neverBefore - 21,
      { timeout: uiPatienceMs },
    );
    const overviewLive = {
      noReload: await overview.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true),
      freshAfter: Number(await freshCount.textContent()),
      neverAfter: Number(await overview.getByTestId('count-never').textContent()),
    };
    await shot('6-overview-live', overview);
    await overview.close();

    // A changed device: back lab-sw-0 up once more, then compare its two versions and download one.
    await page.getByRole('link', { name: 'lab-sw-0', exact: true }).click();
    await page.getByRole('heading', { name: 'lab-sw-0' }).waitFor();
    await page.getByRole('button', { name: 'Back up lab-sw-0' }).click();
    await page.getByTestId('changed-only').uncheck();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="backup-row-"]').length >= 2, undefined, {
      timeout: uiPatienceMs,
    });
    const firstLabel = await page.getByTestId('first-version').count();
    const originalLinks = await page.getByTestId('download-original').count();
    const picks = page.locator('[data-testid^="pick-"]');
    await picks.nth(0).check();
    await picks.nth(1).check();
    await page.getByTestId('compare-picked-button').click();
    const diff = page.getByTestId('version-diff');
    await diff.locator('[data-testid="diff-identical"], [data-testid="diff-table"]').first().waitFor();
    const diffInView = await diff.evaluate((element) => {
      const box = element.getBoundingClientRect();
      return box.top < window.innerHeight && box.bottom > 0;
    });
    await shot('7-compare');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid^="backup-row-"]').first().getByRole('link', { name: 'Download', exact: true }).click(),
    ]);
    const downloadName = download.suggestedFilename();

    // A viewer restricted to the lab group.
    await page.goto(`${webUrl}/admin/users`);
    const userForm = page.getByTestId('user-form');
    await userForm.getByLabel('Username', { exact: true }).fill('lab-viewer');
    await userForm.getByLabel('Role', { exact: true }).selectOption('viewer');
    await userForm.getByLabel('Password', { exact: true }).fill(VIEWER_PASSWORD);
    await userForm.getByLabel('Lab switches', { exact: true }).check();
    await userForm.getByRole('button', { name: 'Create user' }).click();
    await page.getByTestId('users-table').getByText('lab-viewer').waitFor();

    const viewerContext = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const viewerPage = await viewerContext.newPage();
    viewerPage.setDefaultTimeout(uiPatienceMs);
    await signInThroughUi(viewerPage, webUrl, VIEWER_PASSWORD, 'lab-viewer');
    await viewerPage.goto(`${webUrl}/devices`);
    await viewerPage.waitForFunction(() => document.querySelectorAll('[data-testid^="device-row-"]').length === 21);
    const viewerNames = await viewerPage
      .locator('[data-testid^="device-row-"]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-name') ?? ''));
    const viewerButtons = {
      backUp: await viewerPage.locator('[data-testid^="backup-now-"]').count(),
      addDevice: await viewerPage.getByRole('link', { name: 'Add device' }).count(),
      bulk: await viewerPage.getByTestId('bulk-actions').count(),
    };
    await shot('8-viewer-devices', viewerPage);
    await viewerPage.getByRole('link', { name: 'lab-sw-0', exact: true }).click();
    await viewerPage.getByRole('heading', { name: 'lab-sw-0' }).waitFor();
    await viewerPage.locator('[data-testid^="backup-row-"]').first().waitFor();
    const viewerOriginalLinks = await viewerPage.getByTestId('download-original').count();
    const viewerDeviceButtons = await viewerPage
      .getByRole('button', { name: /Back up|Archive|Disable|Delete|Forget/ })
      .count();
    await viewerContext.close();

    // A webhook channel, its test delivery in the log, and an alert rule that uses it.
    await page.goto(`${webUrl}/admin/channels`);
    const channelForm = page.getByTestId('channel-form');
    await channelForm.getByLabel('Name', { exact: true }).fill('Lab webhook');
    await channelForm
      .getByLabel('URL', { exact: true })
      .fill(`http://127.0.0.1:${(hook!.address() as { port: number }).port}/hook`);
    await channelForm.getByRole('button', { name: 'Create channel' }).click();
    await page.getByTestId('signing-secret').waitFor();
    await page.getByRole('button', { name: 'Send test to Lab webhook' }).click();
    const delivered = page.locator('[data-testid="delivery-row"][data-delivered="true"]');
    await delivered.first().waitFor();
    await shot('9-webhook-test');
    // The server keeps test sends in the delivery log: still there after a reload.
    await page.reload();
    await page.locator('[data-testid="delivery-row"][data-delivered="true"]').first().waitFor();
    const testRowPurpose = await page
      .locator('[data-testid="delivery-row"][data-delivered="true"]')
      .first()
      .locator('td')
      .nth(2)
      .textContent();

    // An e-mail channel (SMTP settings, write-only password), then renamed and re-pointed in the editor.
    await channelForm.getByLabel('Name', { exact: true }).fill('Lab mail');
    await channelForm.getByLabel('Kind', { exact: true }).selectOption('EMAIL');
    await channelForm.getByLabel('SMTP host', { exact: true }).fill('smtp.lab.example');
    await channelForm.getByLabel('SMTP port', { exact: true }).fill('587');
    await channelForm.getByLabel('Security', { exact: true }).selectOption('STARTTLS');
    await channelForm.getByLabel('SMTP username', { exact: true }).fill('relay');
    await channelForm.getByLabel('SMTP password', { exact: true }).fill('lab-smtp-password');
    await channelForm.getByLabel('From', { exact: true }).fill('devicevault@lab.example');
    await channelForm.getByLabel('To', { exact: true }).fill('noc@lab.example, oncall@lab.example');
    await channelForm.getByRole('button', { name: 'Create channel' }).click();
    const channelsTable = page.getByTestId('channels-table');
    await channelsTable.getByText('smtp://smtp.lab.example:587 → noc@lab.example, oncall@lab.example').waitFor();
    await page.getByRole('button', { name: 'Edit channel Lab mail' }).click();
    const editor = page.getByTestId('channel-editor');
    const editorPassword = await editor.getByLabel('SMTP password', { exact: true }).inputValue();
    const editorUsername = await editor.getByLabel('SMTP username', { exact: true }).inputValue();
    await editor.getByLabel('Name', { exact: true }).fill('Lab mail (NOC)');
    await editor.getByLabel('SMTP port', { exact: true }).fill('2525');
    await editor.getByRole('button', { name: 'Save Lab mail' }).click();
    await channelsTable.getByText('Lab mail (NOC)', { exact: true }).waitFor();
    await channelsTable.getByText('smtp://smtp.lab.example:2525 → noc@lab.example, oncall@lab.example').waitFor();
    await shot('9b-email-channel');
    const pageText = (await page.content()).includes('lab-smtp-password');
    await page.goto(`${webUrl}/admin/alert-rules`);
    const ruleForm = page.getByTestId('alert-rule-form');
    await ruleForm.getByLabel('Name', { exact: true }).fill('Lab failures');
    await ruleForm.getByLabel('Lab webhook', { exact: true }).check();
    await ruleForm.getByLabel('Lab switches', { exact: true }).check();
    await ruleForm.getByRole('button', { name: 'Create alert rule' }).click();
    await page.getByTestId('alert-rules-table').getByText('Lab failures').waitFor();
    await shot('10-alert-rule');

    assert.equal(previewRuns !== undefined && firstRun.length > 0, true, 'the schedule preview listed runs');
    assert.match(hostErrorText, /999\.1\.1\.1/);
    assert.equal(hostInvalid, 'true');
    assert.match(dryRunSummary, /20 devices would be created; 2 rows have errors/);
    assert.equal(dryRunErrorRows, 2);
    assert.equal(rowsLive.noReload, true, 'the devices page reloaded');
    assert.ok(
      rowsLive.seen.some((status) => IN_FLIGHT.includes(status)),
      JSON.stringify(rowsLive.seen.slice(0, 20)),
    );
    assert.equal(overviewLive.noReload, true, 'the overview reloaded');
    assert.ok(overviewLive.neverAfter <= neverBefore - 21, JSON.stringify({ neverBefore, ...overviewLive }));
    assert.ok(overviewLive.freshAfter > freshBefore, JSON.stringify({ freshBefore, ...overviewLive }));
    assert.equal(firstLabel, 1, 'the oldest version is labelled "first"');
    assert.ok(originalLinks >= 1, 'the admin is offered the restorable original of a masked version');
    assert.equal(viewerOriginalLinks, 0, 'the viewer is not offered the restorable original');
    assert.equal(diffInView, true, 'the comparison opened where the user is looking');
    assert.match(downloadName, /\.txt$/);
    assert.equal(viewerNames.length, 21);
    assert.ok(
      viewerNames.every((name) => name.startsWith('lab-sw-')),
      JSON.stringify(viewerNames),
    );
    assert.deepEqual(viewerButtons, { backUp: 0, addDevice: 0, bulk: 0 });
    assert.equal(viewerDeviceButtons, 0);
    assert.ok(hookBodies.length >= 1, 'the webhook received the test');
    assert.equal(testRowPurpose, 'test');
    assert.equal(editorPassword, '', 'the editor never shows the SMTP password');
    assert.equal(editorUsername, 'relay');
    assert.equal(pageText, false, 'the SMTP password came back to the page');
  }
});
