// Administration pages edit what they create (issue 15 item 5), in Chromium against a real server: an
// admin renames a device group, changes a collection group's schedule and time zone while the next five
// runs follow, sees a retention policy's typed validation error on its field and then saves new limits;
// then edits a credential (the secret left blank is not sent), a scrub rule, an inventory source and an
// alert rule; and a storage location (a taken name refused on its field, then a new name and a mirror with a
// write-only token).
// Screenshots go to test-output/admin-edit-*.png.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import {
  chromiumMissing,
  type DashboardStack,
  outputDir,
  signInThroughUi,
  skip,
  startDashboardStack,
  uiPatienceMs,
  waitFor,
} from './support/dashboard-stack.js';

describe('an admin edits what the administration pages created', () => {
  let stack: DashboardStack;
  let page: Page;
  let webUrl = '';

  before(async () => {
    if (chromiumMissing) return;
    stack = await startDashboardStack();
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(uiPatienceMs);
    webUrl = stack.webUrl;
    mkdirSync(outputDir, { recursive: true });
  });

  after(async () => {
    await stack?.stop();
  });

  async function shot(name: string) {
    await page.screenshot({ path: path.join(outputDir, `admin-edit-${name}.png`), fullPage: true });
  }

  async function seed(mutation: string, input: Record<string, unknown>, selection = '') {
    const type = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}`;
    const { data, errors } = await stack.graphql(
      `mutation ($input: ${type}Input!) { ${mutation}(input: $input) { __typename ${selection} } }`,
      { input },
    );
    assert.equal(
      (data?.[mutation] as { __typename: string } | undefined)?.__typename,
      `${type}Success`,
      JSON.stringify(errors),
    );
    return data?.[mutation] as Record<string, { id: string }>;
  }

  /** Axe on the page with an editor open: no serious or critical violation. */
  async function assertAccessible(what: string) {
    const { violations } = await new AxeBuilder({ page }).analyze();
    const bad = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
    assert.deepEqual(
      bad.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`),
      [],
      what,
    );
  }

  async function previewTexts(editor: ReturnType<Page['getByTestId']>): Promise<string[]> {
    return editor.getByTestId('schedule-preview').locator('li').allTextContents();
  }

  it('renames a device group, reschedules a collection group and changes a retention policy', { skip }, async () => {
    try {
      await editFlow();
    } catch (error) {
      await shot('failure').catch(() => {});
      throw error;
    }
  });

  async function editFlow() {
    await seed('createDeviceGroup', { name: 'Edit me switches', description: 'before' });
    await seed('createCollectionGroup', { name: 'Edit me nightly', schedule: '0 2 * * *', timeZone: 'UTC' });
    await seed('createRetentionPolicy', { name: 'Edit me keep', keepLast: 10 });
    await signInThroughUi(page, webUrl);

    // Device group: the form opens with the current values and saves a new name.
    await page.goto(`${webUrl}/admin/device-groups`);
    await page.getByRole('button', { name: 'Edit Edit me switches' }).click();
    const groupEditor = page.getByTestId('device-group-editor');
    assert.equal(await groupEditor.getByLabel('Description', { exact: true }).inputValue(), 'before');
    await groupEditor.getByLabel('Name', { exact: true }).fill('Core switches');
    await groupEditor.getByRole('button', { name: 'Save device group' }).click();
    await page.getByTestId('device-groups-table').getByText('Core switches').waitFor();
    await groupEditor.waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('device-groups-table').getByText('Edit me switches').count(), 0);
    await shot('1-device-group');

    // Collection group: schedule and zone prefilled; the next runs change as the schedule is edited.
    await page.goto(`${webUrl}/admin/collection-groups`);
    await page.getByRole('button', { name: 'Edit Edit me nightly' }).click();
    const collectionEditor = page.getByTestId('collection-group-editor');
    assert.equal(await collectionEditor.getByLabel('Schedule', { exact: true }).inputValue(), '0 2 * * *');
    assert.equal(await collectionEditor.getByLabel('Time zone', { exact: true }).inputValue(), 'UTC');
    await waitFor(
      'the preview of the saved schedule',
      undefined,
      async () => (await previewTexts(collectionEditor)).length === 5,
    );
    const before = await previewTexts(collectionEditor);
    assert.ok(
      before.every((run) => run.includes('02:00')),
      `runs at 02:00 UTC: ${before.join(' | ')}`,
    );
    await collectionEditor.getByLabel('Schedule', { exact: true }).fill('45 4 * * 1-5');
    await collectionEditor.getByLabel('Time zone', { exact: true }).fill('Europe/Berlin');
    await waitFor('the preview to follow the edit', undefined, async () => {
      const runs = await previewTexts(collectionEditor);
      return runs.length === 5 && runs.every((run) => run.includes('04:45'));
    });
    const after = await previewTexts(collectionEditor);
    assert.notDeepEqual(after, before);
    await shot('2-collection-group');
    await assertAccessible('the collection group editor');
    await collectionEditor.getByRole('button', { name: 'Save collection group' }).click();
    await collectionEditor.waitFor({ state: 'detached' });
    const row = page.getByTestId('collection-groups-table').getByRole('row', { name: /Edit me nightly/ });
    await row.getByText('45 4 * * 1-5').waitFor();
    await row.getByText('(Europe/Berlin)').waitFor();
    const { data } = await stack.graphql(
      '{ collectionGroups(first: 100) { edges { node { id name schedule timeZone } } } }',
    );
    type Group = { id: string; name: string; schedule: string; timeZone: string };
    const groups = (data?.collectionGroups as { edges: { node: Group }[] } | undefined)?.edges ?? [];
    const { id, ...saved } = groups.map(({ node }) => node).find((node) => node.name === 'Edit me nightly')!;
    assert.deepEqual(saved, { name: 'Edit me nightly', schedule: '45 4 * * 1-5', timeZone: 'Europe/Berlin' });
    // The preview showed the slots the scheduler will use: the server's next five, in the same zone and format.
    const slots = await stack.graphql(
      'query ($id: ID!) { scheduledRuns(collectionGroupIds: [$id], first: 5) { at } }',
      {
        id,
      },
    );
    const format = new Intl.DateTimeFormat('en-GB', {
      dateStyle: 'medium',
      timeStyle: 'long',
      timeZone: 'Europe/Berlin',
    });
    assert.deepEqual(
      ((slots.data?.scheduledRuns as { at: string }[] | undefined) ?? []).map((run) => format.format(new Date(run.at))),
      after,
    );

    // Retention policy: the server's typed error lands on its field, then new limits are saved.
    await page.goto(`${webUrl}/admin/retention-storage`);
    await page.getByRole('button', { name: 'Edit Edit me keep' }).click();
    const policyEditor = page.getByTestId('retention-policy-editor');
    assert.equal(await policyEditor.getByLabel('Keep the last N versions', { exact: true }).inputValue(), '10');
    await policyEditor.getByLabel('Keep the last N versions', { exact: true }).fill('0');
    await policyEditor.getByRole('button', { name: 'Save retention policy' }).click();
    const keepLast = policyEditor.getByLabel('Keep the last N versions', { exact: true });
    await waitFor(
      'the keepLast field error',
      undefined,
      async () => (await keepLast.getAttribute('aria-invalid')) === 'true',
    );
    assert.match(
      (await policyEditor.getByTestId('field-error').textContent()) ?? '',
      /keepLast must be a positive whole number/,
    );
    await keepLast.fill('25');
    await policyEditor.getByLabel('Keep versions for N days', { exact: true }).fill('90');
    await shot('3-retention-policy');
    await assertAccessible('the retention policy editor with a field error');
    await policyEditor.getByRole('button', { name: 'Save retention policy' }).click();
    await policyEditor.waitFor({ state: 'detached' });
    await page.getByTestId('retention-table').getByText('last 25, 90 days').waitFor();
  }

  it('edits a credential without resending its secret, a scrub rule, an inventory source and an alert rule', {
    skip,
  }, async () => {
    try {
      await secondFlow();
    } catch (error) {
      await shot('failure-2').catch(() => {});
      throw error;
    }
  });

  async function secondFlow() {
    await seed('createCredential', { name: 'edit-login', username: 'netops', secret: 'kept-secret' });
    await seed('createScrubRule', { pattern: 'snmp-server community \\S+', replacement: '<community>' });
    await seed('createInventorySource', { name: 'Edit me NetBox', kind: 'NETBOX', url: 'http://127.0.0.1:9' });
    const channel = await seed(
      'createNotificationChannel',
      { name: 'edit-hook', kind: 'WEBHOOK', url: 'http://127.0.0.1:9/hook' },
      '... on CreateNotificationChannelSuccess { channel { id } }',
    );
    await seed('createAlertRule', {
      name: 'Edit me alerts',
      kinds: ['BACKUP_FAILED'],
      channelIds: [channel.channel!.id],
    });
    await signInThroughUi(page, webUrl);
    const sent: Record<string, unknown>[] = [];
    page.on('request', (request) => {
      const body = request.postDataJSON() as { variables?: { input?: Record<string, unknown> } } | null;
      if (request.url().includes('graphql') && body?.variables?.input) sent.push(body.variables.input);
    });

    // Credential: new username, the secret fields left blank stay out of the request.
    await page.goto(`${webUrl}/admin/credentials`);
    await page.getByRole('button', { name: 'Edit edit-login' }).click();
    const credentialEditor = page.getByTestId('credential-editor');
    assert.equal(await credentialEditor.getByLabel('Username', { exact: true }).inputValue(), 'netops');
    assert.equal(await credentialEditor.getByLabel('Secret', { exact: true }).inputValue(), '');
    await credentialEditor.getByLabel('Username', { exact: true }).fill('netops2');
    await credentialEditor.getByRole('button', { name: 'Save credential' }).click();
    await credentialEditor.waitFor({ state: 'detached' });
    await page.getByTestId('credentials-table').getByText('netops2').waitFor();
    const credentialInput = sent.find((input) => input.username === 'netops2');
    assert.ok(credentialInput, 'the update was sent');
    assert.equal('secret' in credentialInput, false, 'a blank secret is not sent');
    assert.equal('enableSecret' in credentialInput, false, 'a blank enable secret is not sent');

    // Scrub rule: a new replacement.
    await page.goto(`${webUrl}/admin/config-rules`);
    await page.getByRole('button', { name: 'Edit scrub rule snmp-server community' }).click();
    const ruleEditor = page.getByTestId('rule-editor');
    assert.equal(await ruleEditor.getByLabel('Replacement', { exact: true }).inputValue(), '<community>');
    await ruleEditor.getByLabel('Replacement', { exact: true }).fill('<hidden>');
    await ruleEditor.getByRole('button', { name: 'Save scrub rule' }).click();
    await ruleEditor.waitFor({ state: 'detached' });
    await page.getByTestId('rules-table').getByText('<hidden>').waitFor();

    // Inventory source: the server's interval error on its field, then a valid interval.
    await page.goto(`${webUrl}/admin/inventory`);
    await page.getByRole('button', { name: 'Edit Edit me NetBox' }).click();
    const sourceEditor = page.getByTestId('inventory-source-editor');
    const interval = sourceEditor.getByLabel('Sync every N seconds (≥ 60; empty: on demand)', { exact: true });
    await interval.fill('5');
    await sourceEditor.getByRole('button', { name: 'Save inventory source' }).click();
    await waitFor(
      'the interval field error',
      undefined,
      async () => (await interval.getAttribute('aria-invalid')) === 'true',
    );
    await interval.fill('3600');
    await sourceEditor.getByLabel('Name', { exact: true }).fill('Core NetBox');
    await sourceEditor.getByRole('button', { name: 'Save inventory source' }).click();
    await sourceEditor.waitFor({ state: 'detached' });
    await page.getByTestId('inventory-table').getByText('Core NetBox').waitFor();

    // Alert rule: one more event kind.
    await page.goto(`${webUrl}/admin/alert-rules`);
    await page.getByRole('button', { name: 'Edit Edit me alerts' }).click();
    const alertEditor = page.getByTestId('alert-rule-editor');
    assert.equal(await alertEditor.getByLabel('backup failed').isChecked(), true);
    await alertEditor.getByLabel('device stale').check();
    await shot('4-alert-rule');
    await assertAccessible('the alert rule editor');
    await alertEditor.getByRole('button', { name: 'Save alert rule' }).click();
    await alertEditor.waitFor({ state: 'detached' });
    await page.getByTestId('alert-rules-table').getByText('backup_failed, device_stale').waitFor();
  }

  it('edits a storage location: a taken name is refused on its field, then a new name and mirror are saved', {
    skip,
  }, async () => {
    try {
      await storageFlow();
    } catch (error) {
      await shot('failure-3').catch(() => {});
      throw error;
    }
  });

  async function storageFlow() {
    await seed('createStorageLocation', { name: 'Edit me vault', kind: 'GIT', path: 'locations/edit-me-vault' });
    await seed('createStorageLocation', { name: 'Taken vault', kind: 'FS', path: 'locations/taken-vault' });
    await signInThroughUi(page, webUrl);
    const sent: Record<string, unknown>[] = [];
    page.on('request', (request) => {
      const body = request.postDataJSON() as { variables?: { input?: Record<string, unknown> } } | null;
      if (request.url().includes('graphql') && body?.variables?.input) sent.push(body.variables.input);
    });

    await page.goto(`${webUrl}/admin/retention-storage`);
    await page.getByRole('button', { name: 'Edit Edit me vault' }).click();
    const editor = page.getByTestId('storage-location-editor');
    assert.equal(await editor.getByLabel('Path', { exact: true }).inputValue(), 'locations/edit-me-vault');
    const name = editor.getByLabel('Location name', { exact: true });
    await name.fill('Taken vault');
    await editor.getByRole('button', { name: 'Save storage location' }).click();
    await waitFor('the name field error', undefined, async () => (await name.getAttribute('aria-invalid')) === 'true');
    assert.match((await editor.getByTestId('field-error').textContent()) ?? '', /already exists/);
    await shot('5-storage-location');
    await assertAccessible('the storage location editor with a field error');

    await name.fill('Archive vault');
    // Nothing listens on the discard port: the push this starts fails and shows as push health.
    await editor.getByLabel('Mirror URL', { exact: true }).fill('https://127.0.0.1:9/vault.git');
    await editor.getByLabel('HTTPS token (write-only)', { exact: true }).fill('vault-token');
    await editor.getByRole('button', { name: 'Save storage location' }).click();
    await editor.waitFor({ state: 'detached' });
    await page.getByTestId('storage-table').getByText('Archive vault').waitFor();
    const { data } = await stack.graphql('{ storageLocations { name path mirrorUrl hasMirrorSecret } }');
    const saved = (data?.storageLocations as { name: string }[] | undefined)?.find(
      (location) => location.name === 'Archive vault',
    );
    assert.deepEqual(saved, {
      name: 'Archive vault',
      path: 'locations/edit-me-vault',
      mirrorUrl: 'https://127.0.0.1:9/vault.git',
      hasMirrorSecret: true,
    });

    // The token is write-only: the form opens blank again, and saving without it does not send one.
    await page.getByRole('button', { name: 'Edit Archive vault' }).click();
    assert.equal(await editor.getByLabel('HTTPS token (write-only)', { exact: true }).inputValue(), '');
    await editor.getByLabel('Mirror branch', { exact: true }).fill('backups');
    await editor.getByRole('button', { name: 'Save storage location' }).click();
    await editor.waitFor({ state: 'detached' });
    const last = sent.filter((input) => input.mirrorBranch === 'backups').at(-1);
    assert.ok(last, 'the update was sent');
    assert.equal('mirrorToken' in last, false, 'a blank token is not sent');
    const after = await stack.graphql('{ storageLocations { name mirrorBranch hasMirrorSecret } }');
    assert.deepEqual(
      (after.data?.storageLocations as { name: string }[] | undefined)?.find((row) => row.name === 'Archive vault'),
      { name: 'Archive vault', mirrorBranch: 'backups', hasMirrorSecret: true },
    );
  }
});
