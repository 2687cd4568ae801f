// Fast first view (issue 15 item 9): with a session, the devices page's HTML as the server sends it already
// holds the first page of rows (no "Loading devices…" to wait through) and the overview's its fleet counts,
// failing devices, running and queued jobs, recent changes and the activity charts' counts; without a session
// the HTML holds no device data.
// The rows the HTML carries are the ones Chromium then shows, and nothing about the page breaks on hydration.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ADMIN_PASSWORD,
  chromiumMissing,
  type DashboardStack,
  freePort,
  IN_FLIGHT,
  signInThroughUi,
  skip,
  startDashboardStack,
  uiPatienceMs,
  waitFor,
} from './support/dashboard-stack.js';

type Payload = { __typename: string; message?: string } & Record<string, unknown>;

/** The markup of the element carrying `data-testid="<testId>"`, up to the end of its `<tag>`. */
function panel(html: string, testId: string, tag: 'section' | 'figure'): string {
  const start = html.indexOf(`data-testid="${testId}"`);
  assert.ok(start >= 0, `the HTML has the ${testId} panel`);
  return html.slice(start, html.indexOf(`</${tag}>`, start));
}

describe('first data in the server’s HTML', () => {
  let stack: DashboardStack;

  before(async () => {
    if (chromiumMissing) return;
    stack = await startDashboardStack();
  });

  after(async () => {
    await stack?.stop();
  });

  /** Signs in as a browser would and returns the session cookie the API set. */
  async function sessionCookie(): Promise<string> {
    const response = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `mutation { login(input: { username: "admin", password: "${ADMIN_PASSWORD}" }) { __typename } }`,
      }),
    });
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('dv_session='));
    assert.ok(cookie, 'the API set a session cookie');
    return cookie.split(';')[0]!;
  }

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

  /** A device whose backup stays queued (its window is hours away) and one whose backup has failed. */
  async function queuedAndFailing() {
    const suffix = Math.random().toString(36).slice(2, 8);
    const hour = (new Date().getUTCHours() + 6) % 24;
    const window = `${String(hour).padStart(2, '0')}:00-${String((hour + 1) % 24).padStart(2, '0')}:00`;
    const later = (
      await mutate(
        'createCollectionGroup',
        { name: `first-later-${suffix}`, timeZone: 'UTC', backupWindow: window },
        'collectionGroup { id }',
      )
    ).collectionGroup as { id: string };
    const credential = (
      await mutate('createCredential', { name: `first-${suffix}`, username: 'u', secret: 'p' }, 'credential { id }')
    ).credential as { id: string };
    const create = async (input: Record<string, unknown>) =>
      (await mutate('createDevice', { host: '127.0.0.1', ...input }, 'device { id name }')).device as {
        id: string;
        name: string;
      };
    const waiting = await create({
      name: `first-waiting-${suffix}`,
      pluginKey: 'binary_dummy',
      collectionGroupId: later.id,
    });
    // Nothing listens on this port: the backup fails once (no collection group, one attempt).
    const failing = await create({
      name: `first-failing-${suffix}`,
      pluginKey: 'cisco_ios',
      port: await freePort(),
      credentialId: credential.id,
    });
    await mutate('triggerBackup', { deviceId: waiting.id }, 'job { id }');
    const failedJob = ((await mutate('triggerBackup', { deviceId: failing.id }, 'job { id }')).job as { id: string })
      .id;
    await waitFor(
      'the failing backup to fail',
      undefined,
      async () => {
        const { data } = await stack.graphql('query ($id: ID!) { job(id: $id) { status } }', { id: failedJob });
        return (data?.job as { status: string } | null)?.status === 'failed';
      },
      uiPatienceMs,
    );
    return { waiting, failing };
  }

  /**
   * A recorded change: the demo IOS switch backed up again with its hostname line filtered out before storing
   * differs from its first version.
   */
  async function changedVersion() {
    const core = await stack.pickDevice(
      'demo-core-sw1 with a first version',
      (device) =>
        device.name === 'demo-core-sw1' &&
        device.lastBackup !== null &&
        (!device.lastJob || !IN_FLIGHT.includes(device.lastJob.status)),
    );
    await mutate(
      'createBackupFilter',
      { kind: 'REMOVE_BEFORE_STORING', pattern: '^hostname ', pluginKey: 'cisco_ios' },
      'backupFilter { id }',
    );
    await mutate('triggerBackup', { deviceId: core.id }, 'job { id }');
  }

  it('renders the first devices in the HTML for a signed-in visitor', { skip }, async () => {
    assert.ok(!chromiumMissing, 'chromium is needed for the stack');
    const device = await stack.pickTextDevice();
    const cookie = await sessionCookie();

    const signedIn = await (await fetch(`${stack.webUrl}/devices`, { headers: { cookie } })).text();
    assert.ok(signedIn.includes(`data-testid="device-row-${device.id}"`), 'the HTML holds the device rows');
    assert.ok(!signedIn.includes('Loading devices…'), 'the HTML is not a loading placeholder');

    // The overview's counts likewise: a number, not the "…" placeholder.
    const overview = await (await fetch(`${stack.webUrl}/`, { headers: { cookie } })).text();
    assert.match(overview, /data-testid="count-total">\d+</, 'the HTML holds the fleet counts');

    const anonymous = await (await fetch(`${stack.webUrl}/devices`)).text();
    assert.ok(!anonymous.includes(`device-row-${device.id}`), 'no device data without a session');

    // The same page in Chromium: the rows stay (no hydration error replaces them) and go on live.
    const errors: string[] = [];
    stack.page.on('console', (message) => {
      if (message.type() === 'error' && /hydrat/i.test(message.text())) errors.push(message.text());
    });
    await signInThroughUi(stack.page, stack.webUrl);
    await stack.page.goto(`${stack.webUrl}/devices`);
    await stack.page.getByTestId(`device-row-${device.id}`).waitFor();
    assert.deepEqual(errors, []);

    // The overview's charts draw the server's counts: the demo fleet's backups of the last hours are there.
    await stack.page.goto(`${stack.webUrl}/`);
    await stack.page
      .getByTestId('chart-hourly')
      .getByText(/[1-9]\d* successful backups/)
      .waitFor();
    await stack.page
      .getByTestId('chart-versions')
      .getByText(/[1-9]\d* versions stored/)
      .waitFor();
  });

  it('renders the overview panels’ first data in the HTML with a session, none without, and hydrates cleanly', {
    skip,
  }, async () => {
    assert.ok(!chromiumMissing, 'chromium is needed for the stack');
    await changedVersion();
    const { waiting, failing } = await queuedAndFailing();
    // The change recorded, and the demo fleet's backups counted in the last hours.
    await waitFor(
      'a recorded change and a counted backup',
      undefined,
      async () => {
        const { data } = await stack.graphql(
          `query ($from: DateTime!) {
            events(first: 1, filter: { kinds: [BACKUP_CHANGED] }) { edges { node { id } } }
            activity(from: $from, interval: HOUR) { succeeded }
          }`,
          { from: new Date(Date.now() - 23 * 3_600_000).toISOString() },
        );
        const events = data?.events as { edges: unknown[] } | undefined;
        const activity = data?.activity as { succeeded: number }[] | undefined;
        return (events?.edges.length ?? 0) > 0 && (activity ?? []).some((bucket) => bucket.succeeded > 0);
      },
      uiPatienceMs,
    );
    const cookie = await sessionCookie();

    const signedIn = await (await fetch(`${stack.webUrl}/`, { headers: { cookie } })).text();
    const anonymous = await (await fetch(`${stack.webUrl}/`)).text();

    const link = (device: { id: string; name: string }) => `<a href="/devices/${device.id}">${device.name}</a>`;
    assert.ok(panel(signedIn, 'needs-attention', 'section').includes(link(failing)), 'the failing device');
    assert.match(
      panel(signedIn, 'active-jobs', 'section'),
      new RegExp(`data-testid="active-job" data-status="queued"><a href="/devices/${waiting.id}">`),
    );
    assert.ok(panel(signedIn, 'recent-changes', 'section').includes('data-testid="recent-change"'), 'a change');
    assert.match(panel(signedIn, 'chart-hourly', 'figure'), /[1-9]\d* successful backups/);
    assert.match(panel(signedIn, 'chart-versions', 'figure'), /[1-9]\d* versions stored/);
    assert.ok(!anonymous.includes(failing.name) && !anonymous.includes(waiting.name), 'no device names');
    assert.ok(!anonymous.includes('data-testid="recent-change"'), 'no changes');
    assert.ok(!anonymous.includes('data-testid="active-job"'), 'no jobs');
    assert.doesNotMatch(anonymous, /successful backups|versions stored</);

    // In Chromium the server's panels stay (no hydration error replaces them) and go on live.
    const errors: string[] = [];
    const page = await stack.browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && /hydrat/i.test(message.text())) errors.push(message.text());
    });
    try {
      await signInThroughUi(page, stack.webUrl);
      await page.goto(`${stack.webUrl}/`);
      await page.getByTestId('needs-attention').getByRole('link', { name: failing.name }).waitFor();
      await page.getByTestId('active-jobs').getByRole('link', { name: waiting.name }).waitFor();
      await page.getByTestId('recent-change').first().waitFor();
      await page
        .getByTestId('chart-hourly')
        .getByText(/[1-9]\d* successful backups/)
        .waitFor();
    } finally {
      await page.close();
    }
    assert.deepEqual(errors, []);
  });
});
