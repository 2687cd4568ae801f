// Administration pages that report on the outside world, exercised in Chromium: a git storage location's
// push health after real pushes to a git daemon (healthy) and to a dead remote (failing); an inventory
// source's sync report after syncing from a local server speaking NetBox's API, a change synced again, and
// a refused token reported as a failed sync.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { gitPlain } from '../../apps/server/src/storage/git-cli.js';
import { startGitDaemon } from '../../apps/server/test/support/git-daemon.js';
import { type FakeNetbox, netboxFleet, startFakeNetbox } from '../../apps/server/test/support/netbox-server.js';
import { backUpNow, demoTarget, mutate } from './support/api-setup.js';
import {
  chromiumMissing,
  type DashboardStack,
  freePort,
  outputDir,
  signInThroughUi,
  skip,
  startDashboardStack,
  uiPatienceMs,
  waitFor,
} from './support/dashboard-stack.js';

type Location = { id: string; name: string };
type Health = { id: string; mirrorUrl: string | null; lastPushAt: string | null; lastPushError: string | null };

describe('integrations: storage push health and inventory sync reports', () => {
  let stack: DashboardStack;
  let page: Page;
  let webUrl = '';
  let daemon: Server | undefined;
  let netbox: FakeNetbox | undefined;
  let remoteRoot = '';
  const suffix = Math.random().toString(36).slice(2, 8);

  async function shot(name: string) {
    await page.screenshot({ path: path.join(outputDir, `integrations-${name}.png`), fullPage: true });
  }

  async function health(id: string): Promise<Health | undefined> {
    const { data, errors } = await stack.graphql('{ storageLocations { id mirrorUrl lastPushAt lastPushError } }');
    assert.equal(errors, undefined, JSON.stringify(errors));
    return (data?.storageLocations as Health[] | undefined)?.find((row) => row.id === id);
  }

  /** A git location mirrored to `url`, with a device of its own that stores one version there. */
  async function mirroredLocation(name: string, url: string, demo: { port: number; credentialId: string }) {
    const location = (
      await mutate(stack, 'createStorageLocation', { name, kind: 'GIT', path: name }, 'storageLocation { id name }')
    ).storageLocation as Location;
    await mutate(stack, 'setStorageMirror', { id: location.id, url }, 'storageLocation { id }');
    const device = (
      await mutate(
        stack,
        'createDevice',
        {
          name: `${name}-sw`,
          host: '127.0.0.1',
          port: demo.port,
          pluginKey: 'cisco_ios',
          credentialId: demo.credentialId,
        },
        'device { id }',
      )
    ).device as { id: string };
    await mutate(stack, 'setStoragePolicy', { deviceId: device.id, storageLocationId: location.id }, 'deviceId');
    await backUpNow(stack, device.id);
    return location;
  }

  before(async () => {
    if (chromiumMissing) return;
    stack = await startDashboardStack();
    page = stack.page;
    webUrl = stack.webUrl;
    mkdirSync(outputDir, { recursive: true });
    remoteRoot = mkdtempSync(path.join(tmpdir(), 'dv-browser-remote-'));
    daemon = await startGitDaemon(remoteRoot);
    netbox = await startFakeNetbox(netboxFleet(6));
    await signInThroughUi(page, webUrl);
  });

  after(async () => {
    await stack?.stop();
    daemon?.close();
    await netbox?.stop();
    if (remoteRoot) rmSync(remoteRoot, { recursive: true, force: true });
  });

  it('shows a mirrored git location healthy after a push and another failing against a dead remote', {
    skip,
  }, async () => {
    const demo = await demoTarget(stack, 'cisco_ios');
    const remote = path.join(remoteRoot, 'good.git');
    await gitPlain(['init', '--bare', '--quiet', '--initial-branch=main', remote]);
    const daemonPort = (daemon!.address() as { port: number }).port;
    const deadPort = await freePort();
    const good = await mirroredLocation(`mirror-ok-${suffix}`, `git://127.0.0.1:${daemonPort}/good.git`, demo);
    const dead = await mirroredLocation(`mirror-dead-${suffix}`, `git://127.0.0.1:${deadPort}/dead.git`, demo);
    // Pushes run in the background after each commit; the page shows what the server last recorded.
    await waitFor(
      'both pushes to be recorded',
      undefined,
      async () => Boolean((await health(good.id))?.lastPushAt && (await health(dead.id))?.lastPushError),
      uiPatienceMs,
    );
    const pushedHead = (await gitPlain(['--git-dir', remote, 'rev-parse', 'refs/heads/main'])).trim();

    await page.goto(`${webUrl}/admin/retention-storage`);
    const storage = page.getByTestId('storage-table');
    const goodRow = storage.locator('tr').filter({ hasText: good.name });
    const deadRow = storage.locator('tr').filter({ hasText: dead.name });
    await goodRow.locator('.inline-ok').waitFor();
    await deadRow.locator('.inline-error').waitFor();
    await deadRow.scrollIntoViewIfNeeded();
    await shot('push-health');
    const goodText = (await goodRow.textContent()) ?? '';
    const deadText = (await deadRow.locator('.inline-error').textContent()) ?? '';

    assert.match(pushedHead, /^[0-9a-f]{40}$/, 'the daemon received the commit');
    assert.match(goodText, /pushed \d/);
    assert.match(goodText, new RegExp(`git://127\\.0\\.0\\.1:${daemonPort}/good\\.git`), 'the remote is named');
    assert.equal(await goodRow.locator('.inline-error').count(), 0);
    assert.match(deadText, /^failing: .*git push failed/);
  });

  it('shows the sync report of an inventory source after a sync, a change, and a refused token', {
    skip,
  }, async () => {
    const source = (
      await mutate(
        stack,
        'createInventorySource',
        {
          name: `netbox-${suffix}`,
          kind: 'NETBOX',
          url: netbox!.url,
          token: netbox!.token,
          settings: { deviceGroupFrom: 'site', platformMap: { ios: 'cisco_ios', eos: 'arista_eos' } },
        },
        'inventorySource { id name }',
      )
    ).inventorySource as { id: string; name: string };
    const refused = (
      await mutate(
        stack,
        'createInventorySource',
        { name: `netbox-bad-token-${suffix}`, kind: 'NETBOX', url: netbox!.url, token: 'not-the-token' },
        'inventorySource { id name }',
      )
    ).inventorySource as { id: string; name: string };
    const report = page.getByTestId('sync-report');
    const sourceRow = (name: string) =>
      page
        .getByTestId('inventory-table')
        .locator('tr')
        .filter({ has: page.getByText(name, { exact: true }) });

    await page.goto(`${webUrl}/admin/inventory`);
    await sourceRow(source.name).getByText('never').waitFor();
    await page.getByRole('button', { name: `Sync ${source.name}`, exact: true }).click();
    await report.getByText('6 created, 0 updated, 0 archived, 0 skipped').waitFor();
    await sourceRow(source.name).getByText('6 created, 0 updated, 0 archived, 0 skipped').waitFor();
    await shot('inventory-first-sync');
    const first = {
      heading: (await report.locator('h2').textContent()) ?? '',
      details: JSON.parse((await report.locator('pre').textContent()) ?? 'null') as Record<string, unknown>,
    };

    // NetBox changes: one device renumbered, one removed, one added.
    const devices = netboxFleet(6);
    devices[0] = { ...devices[0]!, address: '10.9.9.9/24' };
    netbox!.devices = [...devices.slice(0, 5), ...netboxFleet(1, 100)];
    await page.getByRole('button', { name: `Sync ${source.name}`, exact: true }).click();
    await report.getByText('1 created, 1 updated, 1 archived, 0 skipped').waitFor();
    await sourceRow(source.name).getByText('1 created, 1 updated, 1 archived, 0 skipped').waitFor();
    await shot('inventory-second-sync');

    await page.getByRole('button', { name: `Sync ${refused.name}`, exact: true }).click();
    await report.getByText('failed', { exact: true }).waitFor();
    await sourceRow(refused.name).getByText('failed', { exact: true }).waitFor();
    await shot('inventory-refused');
    const failedText = (await report.locator('h2').textContent()) ?? '';
    const failedDetails = await report.locator('pre').count();

    assert.match(first.heading, new RegExp(`^${source.name}: succeeded`));
    assert.ok(first.details && typeof first.details === 'object', 'the full report is shown');
    assert.match(failedText, /refused the credentials \(HTTP 401/);
    assert.equal(failedDetails, 0, 'no empty report under a failed sync');
    const { data } = await stack.graphql(
      '{ devices(first: 100, filter: { search: "nb-" }) { edges { node { name host } } } }',
    );
    const synced = (
      (data?.devices as { edges: { node: { name: string; host: string } }[] } | undefined)?.edges ?? []
    ).map((edge) => edge.node);
    assert.ok(synced.some((device) => device.name === 'nb-00001' && device.host === '10.9.9.9'));
    assert.ok(synced.some((device) => device.name === 'nb-00100'));
  });
});
