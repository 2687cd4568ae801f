// Device pages exercised in Chromium, not just visited: an admin and an operator forget a pinned host key
// (a viewer sees the key but no button); a version a change report triggered says who changed the device
// and the oldest one is labelled "first"; sorting the devices list changes the order and lives in the URL.
// The world is set up through the API; each test then does the one thing under test in the browser.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { backUpNow, demoTarget, mutate, sessionToken, signedInPage } from './support/api-setup.js';
import {
  ADMIN_PASSWORD,
  chromiumMissing,
  type DashboardStack,
  outputDir,
  signInThroughUi,
  skip,
  startDashboardStack,
  uiPatienceMs,
  waitFor,
} from './support/dashboard-stack.js';

type Device = { id: string; name: string };

describe('device pages: host key, versions and sort', () => {
  let stack: DashboardStack;
  let page: Page;
  let webUrl = '';
  const suffix = Math.random().toString(36).slice(2, 8);
  const password = `flows-password-${suffix}`;
  const operator = `op-${suffix}`;
  const viewer = `viewer-${suffix}`;
  const world = {} as { group: string; credentialId: string; iosPort: number; nxosPort: number };

  async function shot(name: string, target = page) {
    await target.screenshot({ path: path.join(outputDir, `device-admin-${name}.png`), fullPage: true });
  }

  async function createDevice(input: Record<string, unknown>): Promise<Device> {
    const payload = await mutate(
      stack,
      'createDevice',
      { host: '127.0.0.1', deviceGroupId: world.group, ...input },
      'device { id name }',
    );
    return payload.device as Device;
  }

  /** A device on the demo cisco_ios replay server, backed up once so its SSH host key is pinned. */
  async function pinnedDevice(name: string): Promise<Device> {
    const device = await createDevice({
      name,
      pluginKey: 'cisco_ios',
      port: world.iosPort,
      credentialId: world.credentialId,
    });
    await backUpNow(stack, device.id);
    assert.ok(await hostKeyOf(device.id), `${name} pinned a host key`);
    return device;
  }

  async function hostKeyOf(deviceId: string): Promise<string | null> {
    const { data } = await stack.graphql('query ($id: ID!) { device(id: $id) { hostKeyFingerprint } }', {
      id: deviceId,
    });
    return (data?.device as { hostKeyFingerprint: string | null } | undefined)?.hostKeyFingerprint ?? null;
  }

  /** Forgets the key through the device page's button (answering its dialog) and waits for the page to say so. */
  async function forgetOnPage(target: Page, device: Device) {
    await target.goto(`${webUrl}/devices/${device.id}`);
    await target.getByTestId('host-key').waitFor();
    await target.getByRole('button', { name: 'Forget host key' }).click();
    const dialog = target.getByRole('dialog', { name: `Forget the host key of ${device.name}?` });
    await dialog.waitFor();
    // Focus starts on Cancel: Enter alone must not forget the key.
    assert.equal(await target.evaluate(() => document.activeElement?.textContent), 'Cancel');
    await dialog.getByRole('button', { name: 'Forget host key' }).click();
    await target.locator('.device-actions').getByText('Host key forgotten: the next key is pinned').waitFor();
    await target.getByTestId('host-key').waitFor({ state: 'detached' });
    await target.getByText('not pinned yet (trusted on first use)').waitFor();
  }

  before(async () => {
    if (chromiumMissing) return;
    // Change reports queue their backup after a debounce (30 s by default); 1 s keeps the test short.
    stack = await startDashboardStack({ serverEnv: { DEVICEVAULT_CHANGE_DEBOUNCE_SECONDS: '1' } });
    page = stack.page;
    webUrl = stack.webUrl;
    mkdirSync(outputDir, { recursive: true });

    world.group = (
      (await mutate(stack, 'createDeviceGroup', { name: `flows-${suffix}` }, 'deviceGroup { id }')).deviceGroup as {
        id: string;
      }
    ).id;
    const ios = await demoTarget(stack, 'cisco_ios');
    const nxos = await demoTarget(stack, 'cisco_nxos');
    Object.assign(world, { credentialId: ios.credentialId, iosPort: ios.port, nxosPort: nxos.port });
    for (const [username, role] of [
      [operator, 'operator'],
      [viewer, 'viewer'],
    ] as const) {
      await mutate(stack, 'createUser', { username, role, password, deviceGroupIds: [world.group] }, 'user { id }');
    }
    await signInThroughUi(page, webUrl);
  });

  after(async () => {
    await stack?.stop();
  });

  it('lets an admin forget a pinned host key; the key disappears from the page and the API', { skip }, async () => {
    const device = await pinnedDevice(`hk-admin-${suffix}`);

    await forgetOnPage(page, device);
    await shot('host-key-forgotten');

    assert.equal(await hostKeyOf(device.id), null);
  });

  it('shows a viewer the pinned key without the button, and lets an operator of the group forget it', {
    skip,
  }, async () => {
    const device = await pinnedDevice(`hk-operator-${suffix}`);
    const pinned = await hostKeyOf(device.id);

    const asViewer = await signedInPage(stack, viewer, password);
    await asViewer.page.goto(`${webUrl}/devices/${device.id}`);
    await asViewer.page.getByTestId('host-key').waitFor();
    const viewerSees = {
      key: await asViewer.page.getByTestId('host-key').textContent(),
      buttons: await asViewer.page.getByRole('button', { name: 'Forget host key' }).count(),
    };
    await shot('host-key-viewer', asViewer.page);
    await asViewer.context.close();

    const asOperator = await signedInPage(stack, operator, password);
    await forgetOnPage(asOperator.page, device);
    await shot('host-key-operator', asOperator.page);
    await asOperator.context.close();

    assert.deepEqual(viewerSees, { key: pinned, buttons: 0 });
    assert.equal(await hostKeyOf(device.id), null);
  });

  it('labels the oldest version "first" and shows who made a reported change', { skip }, async () => {
    const device = await createDevice({
      name: `versions-${suffix}`,
      pluginKey: 'cisco_ios',
      port: world.iosPort,
      credentialId: world.credentialId,
    });
    const firstJob = await backUpNow(stack, device.id);
    // Another configuration behind the device (the nxos replay), then a change report naming who changed it,
    // as a TACACS+ accounting hook would send: the backup it queues records `changedBy`.
    await mutate(
      stack,
      'updateDevice',
      { id: device.id, port: world.nxosPort, pluginKey: 'cisco_nxos' },
      'device { id }',
    );
    const token = await sessionToken(stack, 'admin', ADMIN_PASSWORD);
    const hook = await fetch(new URL('/hooks/device-changed', stack.graphqlUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ device: device.id, user: 'alice' }),
    });
    assert.equal(hook.status, 202, await hook.text());
    type ChangeJob = {
      id: string;
      status: string;
      trigger: string;
      changedBy: string | null;
      backup: { id: string } | null;
    };
    let changeJob: ChangeJob | undefined;
    await waitFor(
      'the backup the change report queued',
      undefined,
      async () => {
        const { data } = await stack.graphql(
          'query ($id: ID!) { device(id: $id) { lastJob { id status trigger changedBy backup { id } } } }',
          { id: device.id },
        );
        const job = (data?.device as { lastJob: ChangeJob | null } | undefined)?.lastJob;
        if (job?.trigger !== 'change' || !['succeeded', 'failed'].includes(job.status)) return false;
        changeJob = job;
        return true;
      },
      uiPatienceMs,
    );
    assert.equal(changeJob?.status, 'succeeded', JSON.stringify(changeJob));
    assert.equal(changeJob?.changedBy, 'alice');

    await page.goto(`${webUrl}/devices/${device.id}`);
    const firstRow = page.getByTestId(`backup-row-${firstJob.backupId}`);
    const changedRow = page.getByTestId(`backup-row-${changeJob!.backup?.id}`);
    await firstRow.waitFor();
    await changedRow.waitFor();
    await shot('versions-changed-by');

    assert.equal(await page.getByTestId('changed-only').isChecked(), true, 'changed-only is on by default');
    assert.equal(await changedRow.getAttribute('data-changed'), 'changed');
    assert.equal((await changedRow.getByTestId('changed-by').textContent())?.trim(), 'by alice');
    assert.equal(await changedRow.getByTestId('first-version').count(), 0);
    assert.equal((await firstRow.getByTestId('first-version').textContent())?.trim(), 'first');
    assert.equal(await firstRow.getByTestId('changed-by').count(), 0);
    assert.equal(await page.getByTestId('first-version').count(), 1, 'only one version is the first');
    assert.equal(
      await firstRow.getByTestId(`compare-previous-${firstJob.backupId}`).count(),
      0,
      'nothing before the first',
    );
    assert.equal(await changedRow.getByTestId(`compare-previous-${changeJob!.backup?.id}`).count(), 1);
  });

  it('sorts the devices list by a column, keeps the sort in the URL, and Back returns to it', { skip }, async () => {
    // Created in an order that differs from the names' order, so the two sorts differ.
    for (const letter of ['b', 'c', 'a'])
      await createDevice({ name: `sort-${suffix}-${letter}`, pluginKey: 'binary_dummy' });
    const names = (target: Page) =>
      target
        .locator('[data-testid^="device-row-"]')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-name')));
    const byName = [`sort-${suffix}-a`, `sort-${suffix}-b`, `sort-${suffix}-c`];
    const newestFirst = [`sort-${suffix}-a`, `sort-${suffix}-c`, `sort-${suffix}-b`];
    const showing = async (expected: string[]) =>
      page.waitForFunction(
        (want) =>
          JSON.stringify(
            [...document.querySelectorAll('[data-testid^="device-row-"]')].map((row) => row.getAttribute('data-name')),
          ) === JSON.stringify(want),
        expected,
        { timeout: uiPatienceMs },
      );

    await page.goto(`${webUrl}/devices?q=sort-${suffix}`);
    await showing(byName);
    const sort = page.getByLabel('Sort', { exact: true });
    const before = { order: await names(page), sort: await sort.inputValue() };
    await sort.selectOption('CREATED_AT');
    await page.waitForURL((url) => url.searchParams.get('sort') === 'created' && url.searchParams.get('q') !== null);
    await showing(newestFirst);
    await shot('sorted-newest');
    const sorted = await names(page);

    await page.getByRole('link', { name: `sort-${suffix}-c`, exact: true }).click();
    await page.getByRole('heading', { name: `sort-${suffix}-c` }).waitFor();
    await page.goBack();
    await page.waitForURL((url) => url.pathname === '/devices' && url.searchParams.get('sort') === 'created');
    await showing(newestFirst);
    const afterBack = { order: await names(page), sort: await sort.inputValue() };
    await page.goBack();
    await page.waitForURL((url) => url.pathname === '/devices' && !url.searchParams.has('sort'));
    await showing(byName);

    assert.deepEqual(before, { order: byName, sort: 'NAME' });
    assert.deepEqual(sorted, newestFirst);
    assert.deepEqual(afterBack, { order: newestFirst, sort: 'CREATED_AT' });
    assert.equal(await sort.inputValue(), 'NAME');
  });
});
