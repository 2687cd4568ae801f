// Actions that are awkward to undo ask first in an in-page dialog (issue 15 item 2), in Chromium: the device
// page's Archive (a modal dialog naming the device takes focus; Escape and Cancel leave the device as it was;
// confirming archives it and offers Restore), its Delete, and the users page's Delete. (The devices list's bulk
// Archive has the same dialog: bulk-actions.test.ts; Forget host key: device-admin-flows.test.ts.)
// Screenshots: test-output/archive-confirm-device.png, delete-confirm-device.png.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  chromiumMissing,
  type DashboardStack,
  outputDir,
  signInThroughUi,
  skip,
  startDashboardStack,
} from './support/dashboard-stack.js';

describe('confirming awkward-to-undo actions', () => {
  let stack: DashboardStack;
  let page: Page;
  const name = `golf-${Math.random().toString(36).slice(2, 8)}`;
  let deviceId = '';

  async function archived(): Promise<boolean> {
    const { data } = await stack.graphql('query ($id: ID!) { device(id: $id) { archivedAt } }', { id: deviceId });
    return (data?.device as { archivedAt: string | null } | undefined)?.archivedAt != null;
  }

  before(async () => {
    if (chromiumMissing) return;
    stack = await startDashboardStack();
    page = stack.page;
    mkdirSync(outputDir, { recursive: true });
    const { data, errors } = await stack.graphql(
      'mutation ($input: CreateDeviceInput!) { createDevice(input: $input) { ... on CreateDeviceSuccess { device { id } } } }',
      { input: { name, host: '127.0.0.1', pluginKey: 'binary_dummy' } },
    );
    deviceId = (data?.createDevice as { device?: { id: string } } | undefined)?.device?.id ?? '';
    assert.ok(deviceId, JSON.stringify(errors ?? data));
  });

  after(async () => {
    await stack?.stop();
  });

  it('asks before archiving: Escape and Cancel keep the device, confirming archives it', { skip }, async () => {
    await signInThroughUi(page, stack.webUrl);
    await page.goto(`${stack.webUrl}/devices/${deviceId}`);
    const dialog = page.getByRole('dialog', { name: `Archive ${name}?` });

    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    await dialog.waitFor();
    const focused = await page.evaluate(() => ({
      inDialog: document.activeElement?.closest('dialog') !== null,
      text: document.activeElement?.textContent,
    }));
    await page.screenshot({ path: path.join(outputDir, 'archive-confirm-device.png'), fullPage: true });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });

    assert.deepEqual(focused, { inDialog: true, text: 'Cancel' }, 'focus starts on the safe answer');
    assert.equal(await archived(), false, 'Escape and Cancel archive nothing');

    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    await dialog.getByRole('button', { name: `Archive ${name}` }).click();
    await page.getByRole('button', { name: 'Restore from archive' }).waitFor();

    assert.equal(await archived(), true);
  });

  it('asks before deleting a device: Escape keeps it, confirming deletes it and returns to the list', {
    skip,
  }, async () => {
    const doomed = `hotel-${Math.random().toString(36).slice(2, 8)}`;
    const { data } = await stack.graphql(
      'mutation ($input: CreateDeviceInput!) { createDevice(input: $input) { ... on CreateDeviceSuccess { device { id } } } }',
      { input: { name: doomed, host: '127.0.0.1', pluginKey: 'binary_dummy' } },
    );
    const id = (data?.createDevice as { device?: { id: string } } | undefined)?.device?.id ?? '';
    assert.ok(id, JSON.stringify(data));
    const exists = async () =>
      ((await stack.graphql('query ($id: ID!) { device(id: $id) { id } }', { id })).data?.device ?? null) !== null;
    await signInThroughUi(page, stack.webUrl);
    await page.goto(`${stack.webUrl}/devices/${id}`);
    const dialog = page.getByRole('dialog', { name: `Delete ${doomed}?` });

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.waitFor();
    const focused = await page.evaluate(() => document.activeElement?.textContent);
    await page.screenshot({ path: path.join(outputDir, 'delete-confirm-device.png'), fullPage: true });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(focused, 'Cancel', 'focus starts on the safe answer');
    assert.equal(await exists(), true, 'Escape deletes nothing');

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.getByRole('button', { name: `Delete ${doomed}` }).click();
    await page.waitForURL(`${stack.webUrl}/devices`);
    assert.equal(await exists(), false);
  });

  it('asks before deleting a user: Cancel keeps them, confirming deletes them', { skip }, async () => {
    const username = `india-${Math.random().toString(36).slice(2, 8)}`;
    const created = await stack.graphql(
      'mutation ($input: CreateUserInput!) { createUser(input: $input) { __typename } }',
      { input: { username, password: 'a-long-enough-password', role: 'viewer', deviceGroupIds: [] } },
    );
    assert.equal((created.data?.createUser as { __typename?: string } | undefined)?.__typename, 'CreateUserSuccess');
    const listed = async () => {
      const { data } = await stack.graphql(
        'query ($search: String!) { users(first: 10, filter: { search: $search }) { edges { node { username } } } }',
        { search: username },
      );
      return ((data?.users as { edges: { node: { username: string } }[] } | undefined)?.edges ?? []).some(
        (edge) => edge.node.username === username,
      );
    };
    await signInThroughUi(page, stack.webUrl);
    await page.goto(`${stack.webUrl}/admin/users`);
    const dialog = page.getByRole('dialog', { name: `Delete user ${username}?` });

    await page.getByRole('button', { name: `Delete user ${username}` }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await listed(), true, 'Cancel deletes nothing');

    await page.getByRole('button', { name: `Delete user ${username}` }).click();
    await dialog.getByRole('button', { name: `Delete ${username}` }).click();
    await page.getByRole('button', { name: `Delete user ${username}` }).waitFor({ state: 'detached' });
    assert.equal(await listed(), false);
  });
});
