// Drives the jobs page in Chromium: the fleet's jobs filtered by state through the URL, a queued job
// cancelled by the admin, and a viewer who sees the queue but no Cancel button.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  chromiumMissing,
  chromiumPath,
  type DashboardStack,
  freePort,
  outputDir,
  signInThroughUi,
  skip,
  startDashboardStack,
  uiPatienceMs,
  waitFor,
} from './support/dashboard-stack.js';

type Payload = { __typename: string; message?: string } & Record<string, unknown>;

describe('jobs page', () => {
  let stack: DashboardStack;
  let page: Page;
  let webUrl = '';
  const suffix = Math.random().toString(36).slice(2, 8);
  const viewerPassword = `viewer-password-${suffix}`;
  const world = {} as {
    group: string;
    waiting: { id: string; name: string };
    failing: { id: string; name: string };
    failedJob: string;
    queuedJob: string;
  };

  async function mutate(name: string, input: Record<string, unknown>, selection: string): Promise<Payload> {
    const type = `${name[0]!.toUpperCase()}${name.slice(1)}`;
    const { data, errors } = await stack.graphql(
      `mutation ($input: ${type}Input!) { ${name}(input: $input) { __typename ... on ${type}Success { ${selection} } ... on Error { message } } }`,
      { input },
    );
    const payload = data?.[name] as Payload | undefined;
    assert.equal(payload?.__typename, `${type}Success`, JSON.stringify(errors ?? payload));
    return payload!;
  }

  async function queueBackup(deviceId: string): Promise<string> {
    const payload = await mutate('triggerBackup', { deviceId }, 'job { id }');
    return (payload.job as { id: string }).id;
  }

  async function jobStatus(id: string): Promise<string | undefined> {
    const { data } = await stack.graphql('query ($id: ID!) { job(id: $id) { status } }', { id });
    return (data?.job as { status: string } | null)?.status;
  }

  function row(target: Page, jobId: string) {
    return target.locator(`[data-testid="job-row"][data-job-id="${jobId}"]`);
  }

  before(async () => {
    if (chromiumMissing) return;
    stack = await startDashboardStack();
    page = stack.page;
    webUrl = stack.webUrl;

    const group = (await mutate('createDeviceGroup', { name: `jobs-${suffix}` }, 'deviceGroup { id }')).deviceGroup as {
      id: string;
    };
    world.group = group.id;
    // A backup window hours away from now: the waiting device's jobs stay queued until cancelled.
    const hour = (new Date().getUTCHours() + 6) % 24;
    const window = `${String(hour).padStart(2, '0')}:00-${String((hour + 1) % 24).padStart(2, '0')}:00`;
    const later = (
      await mutate(
        'createCollectionGroup',
        { name: `later-${suffix}`, timeZone: 'UTC', backupWindow: window },
        'collectionGroup { id }',
      )
    ).collectionGroup as { id: string };
    const credential = (
      await mutate('createCredential', { name: `jobs-${suffix}`, username: 'u', secret: 'p' }, 'credential { id }')
    ).credential as { id: string };
    const create = async (input: Record<string, unknown>) =>
      (await mutate('createDevice', { host: '127.0.0.1', deviceGroupId: group.id, ...input }, 'device { id name }'))
        .device as { id: string; name: string };
    world.waiting = await create({
      name: `waiting-${suffix}`,
      pluginKey: 'binary_dummy',
      collectionGroupId: later.id,
    });
    // Nothing listens on this port: the backup fails once (no collection group, one attempt).
    world.failing = await create({
      name: `failing-${suffix}`,
      pluginKey: 'cisco_ios',
      port: await freePort(),
      credentialId: credential.id,
    });
    world.failedJob = await queueBackup(world.failing.id);
    world.queuedJob = await queueBackup(world.waiting.id);
    await waitFor(
      'the failing backup to fail',
      undefined,
      async () => (await jobStatus(world.failedJob)) === 'failed',
      uiPatienceMs,
    );
    await mutate(
      'createUser',
      { username: `jobs-viewer-${suffix}`, role: 'viewer', password: viewerPassword, deviceGroupIds: [group.id] },
      'user { id }',
    );
  });

  after(async () => {
    await stack?.stop();
  });

  it('filters by state through the URL and cancels a queued job', { skip }, async () => {
    assert.ok(!chromiumMissing, `chromium not found at ${chromiumPath} (apt-get install -y chromium)`);
    await signInThroughUi(page, webUrl);

    // The overview's "Running and queued" lists the waiting job (read from the jobs list at load).
    await page.goto(`${webUrl}/`);
    await page.getByTestId('active-jobs').getByRole('link', { name: world.waiting.name }).waitFor();

    // This test's group only: the demo fleet's own jobs could push these off the first page.
    await page.goto(`${webUrl}/jobs?group=${world.group}`);
    await row(page, world.queuedJob).waitFor();
    await page.getByLabel('State').selectOption('failed');
    await page.waitForURL((url) => url.searchParams.get('state') === 'failed' && url.searchParams.has('group'));
    const failedRow = row(page, world.failedJob);
    await failedRow.waitFor();
    await row(page, world.queuedJob).waitFor({ state: 'detached' });
    mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: path.join(outputDir, 'jobs-failed.png'), fullPage: true });

    assert.equal(await failedRow.getAttribute('data-status'), 'failed');
    assert.equal(
      await failedRow.getByRole('link', { name: world.failing.name }).getAttribute('href'),
      `/devices/${world.failing.id}`,
    );
    assert.ok(
      await page
        .locator('[data-testid="job-row"]')
        .evaluateAll((rows) => rows.every((element) => element.getAttribute('data-status') === 'failed')),
      'a row of another state is shown under the failed filter',
    );

    // Back from a device returns to the same filter.
    await failedRow.getByRole('link', { name: world.failing.name }).click();
    await page.waitForURL(/\/devices\//);
    await page.goBack();
    await page.waitForURL((url) => url.pathname === '/jobs' && url.searchParams.get('state') === 'failed');
    await row(page, world.failedJob).waitFor();
    assert.equal(await page.getByLabel('State').inputValue(), 'failed');

    await page.getByLabel('State').selectOption('');
    await page.waitForURL((url) => url.pathname === '/jobs' && !url.searchParams.has('state'));
    const queuedRow = row(page, world.queuedJob);
    await queuedRow.waitFor();
    assert.equal(await queuedRow.getAttribute('data-status'), 'queued');
    await page.evaluate(() => Object.assign(window, { __noReload: true }));
    await queuedRow.getByRole('button', { name: `Cancel job of ${world.waiting.name}` }).click();
    await page.waitForFunction(
      (jobId) =>
        document.querySelector(`[data-testid="job-row"][data-job-id="${jobId}"]`)?.getAttribute('data-status') ===
        'failed',
      world.queuedJob,
      { timeout: uiPatienceMs },
    );
    await queuedRow.locator('code.error-code', { hasText: 'cancelled' }).waitFor();
    await page.screenshot({ path: path.join(outputDir, 'jobs-cancelled.png'), fullPage: true });

    assert.equal(await jobStatus(world.queuedJob), 'failed');
    assert.equal(await queuedRow.getByRole('button', { name: /^Cancel job of/ }).count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload), true);
  });

  it('shows a viewer the queue without Cancel buttons, and a new job live', { skip }, async () => {
    assert.ok(!chromiumMissing, `chromium not found at ${chromiumPath} (apt-get install -y chromium)`);
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const viewer = await context.newPage();
    viewer.setDefaultTimeout(uiPatienceMs);
    await signInThroughUi(viewer, webUrl, viewerPassword, `jobs-viewer-${suffix}`);
    await viewer.goto(`${webUrl}/jobs`);
    await row(viewer, world.failedJob).waitFor();
    await viewer.waitForFunction(
      () => document.querySelector('[data-testid="live-indicator"]')?.getAttribute('data-state') === 'live',
    );

    // Queued after the page loaded: the row arrives through the live subscription.
    const queuedJob = await queueBackup(world.waiting.id);
    const queuedRow = row(viewer, queuedJob);
    await queuedRow.waitFor();
    await viewer.screenshot({ path: path.join(outputDir, 'jobs-viewer.png'), fullPage: true });

    assert.equal(await queuedRow.getAttribute('data-status'), 'queued');
    assert.equal(await viewer.getByRole('button', { name: /^Cancel job of/ }).count(), 0);
    await context.close();
  });
});
