// Fast first view (issue 15 item 9): with a session, the devices page's HTML as the server sends it already
// holds the first page of rows (no "Loading devices…" to wait through) and the overview's its fleet counts;
// without a session the HTML holds no device data.
// The rows the HTML carries are the ones Chromium then shows, and nothing about the page breaks on hydration.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ADMIN_PASSWORD,
  chromiumMissing,
  type DashboardStack,
  signInThroughUi,
  skip,
  startDashboardStack,
} from './support/dashboard-stack.js';

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
});
