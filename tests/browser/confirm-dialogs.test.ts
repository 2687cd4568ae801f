// The device page's Archive asks first (issue 15 item 2), in Chromium: a modal dialog naming the device takes
// focus; Escape and Cancel leave the device as it was; confirming archives it and offers Restore.
// (The devices list's bulk Archive has the same dialog: bulk-actions.test.ts.)
// Screenshot: test-output/archive-confirm-device.png.

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

describe('archiving a device from its page', () => {
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
});
