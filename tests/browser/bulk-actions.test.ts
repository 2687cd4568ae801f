// Drives the devices page's bulk actions in Chromium: an admin selects two devices and disables them in one
// updateDevices call, moves one into another group, and filters by collection group through the URL; selects
// all devices matching a search across pages and disables exactly those; a viewer of the group sees the rows
// but no selection checkboxes or bulk buttons.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  chromiumMissing,
  chromiumPath,
  type DashboardStack,
  outputDir,
  signInThroughUi,
  skip,
  startDashboardStack,
} from './support/dashboard-stack.js';

type Payload = { __typename: string; message?: string } & Record<string, unknown>;
type Device = { id: string; name: string };

describe('devices page bulk actions', () => {
  let stack: DashboardStack;
  let page: Page;
  let webUrl = '';
  const suffix = Math.random().toString(36).slice(2, 8);
  const viewerPassword = `viewer-password-${suffix}`;
  const world = {} as { groupA: string; groupB: string; groupBName: string; nightly: string; devices: Device[] };

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

  async function stored(id: string) {
    const { data } = await stack.graphql('query ($id: ID!) { device(id: $id) { enabled deviceGroup { id } } }', {
      id,
    });
    return data?.device as { enabled: boolean; deviceGroup: { id: string } | null };
  }

  function row(target: Page, device: Device) {
    return target.getByTestId(`device-row-${device.id}`);
  }

  before(async () => {
    if (chromiumMissing) return;
    stack = await startDashboardStack();
    page = stack.page;
    webUrl = stack.webUrl;

    const group = async (name: string) =>
      ((await mutate('createDeviceGroup', { name }, 'deviceGroup { id }')).deviceGroup as { id: string }).id;
    world.groupA = await group(`bulk-a-${suffix}`);
    world.groupBName = `bulk-b-${suffix}`;
    world.groupB = await group(world.groupBName);
    world.nightly = (
      (await mutate('createCollectionGroup', { name: `nightly-${suffix}` }, 'collectionGroup { id }'))
        .collectionGroup as {
        id: string;
      }
    ).id;
    world.devices = [];
    for (const [index, name] of ['alpha', 'bravo', 'charlie'].entries()) {
      const input = {
        name: `${name}-${suffix}`,
        host: '127.0.0.1',
        pluginKey: 'binary_dummy',
        deviceGroupId: world.groupA,
        // Only the first is collected by the nightly collection group.
        ...(index === 0 ? { collectionGroupId: world.nightly } : {}),
      };
      world.devices.push((await mutate('createDevice', input, 'device { id name }')).device as Device);
    }
    await mutate(
      'createUser',
      { username: `bulk-viewer-${suffix}`, role: 'viewer', password: viewerPassword, deviceGroupIds: [world.groupA] },
      'user { id }',
    );
  });

  after(async () => {
    await stack?.stop();
  });

  it('disables two selected devices, moves one to another group and filters by collection group', {
    skip,
  }, async () => {
    assert.ok(!chromiumMissing, `chromium not found at ${chromiumPath} (apt-get install -y chromium)`);
    const [alpha, bravo, charlie] = world.devices as [Device, Device, Device];
    mkdirSync(outputDir, { recursive: true });
    await signInThroughUi(page, webUrl);

    await page.goto(`${webUrl}/devices?group=${world.groupA}`);
    await row(page, charlie).waitFor();
    await page.getByRole('checkbox', { name: `Select ${alpha.name}` }).check();
    await page.getByRole('checkbox', { name: `Select ${bravo.name}` }).check();
    await page.getByTestId('bulk-actions').getByText('2 selected').waitFor();
    await page.getByRole('button', { name: 'Disable', exact: true }).click();
    await page.getByTestId('bulk-result').getByText('2 disabled').waitFor();
    await row(page, alpha).getByText('(disabled)').waitFor();
    await row(page, bravo).getByText('(disabled)').waitFor();
    await page.screenshot({ path: path.join(outputDir, 'bulk-actions-disabled.png'), fullPage: true });

    assert.equal(await row(page, charlie).getByText('(disabled)').count(), 0);
    assert.deepEqual(
      (await Promise.all(world.devices.map((device) => stored(device.id)))).map((device) => device.enabled),
      [false, false, true],
    );

    await page.getByRole('checkbox', { name: `Select ${bravo.name}` }).check();
    await page.getByLabel('Move selected to group').selectOption({ label: world.groupBName });
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await page.getByTestId('bulk-result').getByText('1 moved').waitFor();
    // The list is filtered to group A: the moved device leaves it.
    await row(page, bravo).waitFor({ state: 'detached' });

    assert.equal((await stored(bravo.id)).deviceGroup?.id, world.groupB);
    assert.equal((await stored(alpha.id)).deviceGroup?.id, world.groupA);

    await page.goto(`${webUrl}/devices?collection=${world.nightly}`);
    await row(page, alpha).waitFor();
    // The rows come in the server's HTML; the filter's options arrive after, from the browser's own query.
    await page
      .getByLabel('Collection group', { exact: true })
      .locator(`option[value="${world.nightly}"]`)
      .waitFor({ state: 'attached' });
    await page.screenshot({ path: path.join(outputDir, 'bulk-actions-collection-filter.png'), fullPage: true });

    assert.equal(await page.getByLabel('Collection group', { exact: true }).inputValue(), world.nightly);
    assert.deepEqual(
      await page
        .locator('[data-testid^="device-row-"]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name'))),
      [alpha.name],
    );
  });

  it('keeps its filters in the URL, so Back from a device returns to the same filtered list', { skip }, async () => {
    const charlie = world.devices[2]!;
    await signInThroughUi(page, webUrl);
    await page.goto(`${webUrl}/devices`);
    await page.locator('[data-testid^="device-row-"]').first().waitFor();

    await page.getByLabel('Group', { exact: true }).selectOption(world.groupA);
    await page.waitForURL(/[?&]group=/);
    await row(page, charlie).waitFor();
    await page.getByRole('link', { name: charlie.name, exact: true }).click();
    await page.getByRole('heading', { name: charlie.name }).waitFor();
    await page.goBack();
    await row(page, charlie).waitFor();
    const names = await page
      .locator('[data-testid^="device-row-"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name') ?? ''));

    assert.equal(new URL(page.url()).searchParams.get('group'), world.groupA);
    assert.equal(await page.getByLabel('Group', { exact: true }).inputValue(), world.groupA);
    assert.ok(names.length > 0 && names.every((name) => name.endsWith(`-${suffix}`)), JSON.stringify(names));
  });

  it('selects all devices matching a filter across pages and disables exactly those', { skip }, async () => {
    const sweepGroup = (
      (await mutate('createDeviceGroup', { name: `bulk-sweep-${suffix}` }, 'deviceGroup { id }')).deviceGroup as {
        id: string;
      }
    ).id;
    const create = async (name: string) =>
      (
        (await mutate(
          'createDevice',
          { name, host: '127.0.0.1', pluginKey: 'binary_dummy', deviceGroupId: sweepGroup },
          'device { id name }',
        )) as { device: Device }
      ).device;
    // More than one page (50 rows) matches the search; two devices of the same group do not.
    const matching: Device[] = [];
    for (let i = 0; i < 55; i += 1) matching.push(await create(`sweep-${suffix}-${String(i).padStart(2, '0')}`));
    const others = [await create(`keep-${suffix}-1`), await create(`keep-${suffix}-2`)];
    await signInThroughUi(page, webUrl);

    await page.goto(`${webUrl}/devices`);
    await page.locator('[data-testid^="device-row-"]').first().waitFor();
    await page.getByLabel('Search devices by name or host').fill(`sweep-${suffix}`);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/[?&]q=sweep-/);
    // The first page of the filtered list (the unfiltered one shows some of these devices too).
    await page.waitForFunction((prefix) => {
      const names = [...document.querySelectorAll('[data-testid^="device-row-"]')].map((r) =>
        r.getAttribute('data-name'),
      );
      return names.length === 50 && names.every((name) => name?.startsWith(prefix));
    }, `sweep-${suffix}-`);
    // The pager keeps the filter: Next shows the other 5, Previous (the browser's Back) the first 50 again.
    await page.getByRole('navigation', { name: 'Device pages' }).getByRole('button', { name: 'Next →' }).click();
    await page.waitForURL((url) => url.searchParams.has('after') && url.searchParams.get('q') === `sweep-${suffix}`);
    await row(page, matching[54]!).waitFor();
    await page.getByRole('navigation', { name: 'Device pages' }).getByRole('button', { name: '← Previous' }).click();
    await page.waitForURL((url) => !url.searchParams.has('after') && url.searchParams.get('q') === `sweep-${suffix}`);
    await row(page, matching[0]!).waitFor();
    await page.getByRole('checkbox', { name: 'Select every device on this page' }).check();
    await page.getByTestId('bulk-actions').getByText('50 selected').waitFor();
    await page.getByRole('button', { name: 'Select all 55 matching' }).click();
    await page.getByTestId('bulk-count').getByText('All 55 devices matching the filter selected').waitFor();
    await page.screenshot({ path: path.join(outputDir, 'bulk-actions-all-matching.png'), fullPage: true });
    await page.getByRole('button', { name: 'Disable', exact: true }).click();
    await page.getByTestId('bulk-result').getByText('55 disabled').waitFor();
    const states = await Promise.all([...matching, ...others, ...world.devices].map((device) => stored(device.id)));

    assert.deepEqual(
      states.slice(0, 55).map((device) => device.enabled),
      matching.map(() => false),
    );
    assert.deepEqual(
      states.slice(55, 57).map((device) => device.enabled),
      [true, true],
    );
    // The first case's devices: alpha and bravo disabled there, charlie untouched here.
    assert.equal(states[59]!.enabled, true);
  });

  it('shows a viewer the rows without selection checkboxes or bulk buttons', { skip }, async () => {
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const viewerPage = await context.newPage();
    try {
      await signInThroughUi(viewerPage, webUrl, viewerPassword, `bulk-viewer-${suffix}`);
      await viewerPage.goto(`${webUrl}/devices?group=${world.groupA}`);
      await row(viewerPage, world.devices[2]!).waitFor();
      await viewerPage.screenshot({ path: path.join(outputDir, 'bulk-actions-viewer.png'), fullPage: true });

      assert.equal(await viewerPage.getByRole('checkbox', { name: /^Select / }).count(), 0);
      assert.equal(await viewerPage.getByTestId('bulk-actions').count(), 0);
      assert.equal(await viewerPage.getByRole('button', { name: 'Disable', exact: true }).count(), 0);

      // Live rows: a device an admin adds elsewhere, then removes, shows and goes without a reload.
      await viewerPage.evaluate(() => Object.assign(window, { __noReload: true }));
      // The rows come in the server's HTML, before the page's subscriptions: wait until they listen.
      await viewerPage.locator('[data-testid="live-indicator"][data-state="live"]').waitFor();
      const added = (
        await mutate(
          'createDevice',
          { name: `delta-${suffix}`, host: '127.0.0.1', pluginKey: 'binary_dummy', deviceGroupId: world.groupA },
          'device { id name }',
        )
      ).device as Device;
      await row(viewerPage, added).waitFor();
      await mutate('deleteDevice', { id: added.id }, 'deletedId');
      await row(viewerPage, added).waitFor({ state: 'detached' });
      assert.equal(
        await viewerPage.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload),
        true,
        'the page reloaded',
      );
    } finally {
      await context.close();
    }
  });

  it('asks before archiving: Escape and Cancel keep the devices, confirming archives them', { skip }, async () => {
    const group = (
      (await mutate('createDeviceGroup', { name: `bulk-archive-${suffix}` }, 'deviceGroup { id }')).deviceGroup as {
        id: string;
      }
    ).id;
    const doomed: Device[] = [];
    for (const name of ['echo', 'foxtrot']) {
      const input = { name: `${name}-${suffix}`, host: '127.0.0.1', pluginKey: 'binary_dummy', deviceGroupId: group };
      doomed.push((await mutate('createDevice', input, 'device { id name }')).device as Device);
    }
    const archived = async () =>
      Promise.all(
        doomed.map(async (device) => {
          const { data } = await stack.graphql('query ($id: ID!) { device(id: $id) { archivedAt } }', {
            id: device.id,
          });
          return (data?.device as { archivedAt: string | null } | undefined)?.archivedAt != null;
        }),
      );
    await signInThroughUi(page, webUrl);
    await page.goto(`${webUrl}/devices?group=${group}`);
    for (const device of doomed) await page.getByRole('checkbox', { name: `Select ${device.name}` }).check();
    await page.getByTestId('bulk-actions').getByText('2 selected').waitFor();
    const dialog = page.getByRole('dialog', { name: 'Archive 2 devices?' });

    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    await dialog.waitFor();
    const focusInDialog = await page.evaluate(() => document.activeElement?.closest('dialog') !== null);
    await page.screenshot({ path: path.join(outputDir, 'bulk-actions-archive-confirm.png'), fullPage: true });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });

    assert.ok(focusInDialog, 'focus moves into the dialog');
    assert.deepEqual(await archived(), [false, false], 'Escape and Cancel archive nothing');
    assert.equal(await page.getByTestId('bulk-result').count(), 0);

    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    await dialog.getByRole('button', { name: 'Archive 2 devices' }).click();
    await page.getByTestId('bulk-result').getByText('2 archived').waitFor();

    assert.deepEqual(await archived(), [true, true]);
  });
});
