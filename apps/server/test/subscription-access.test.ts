/**
 * A subscription is not a permanent pass: when a subscriber loses a grant they stop hearing about that
 * group's devices, and when they are disabled the subscription ends — without reconnecting.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDeviceGroup, createUserAndSignIn, mutate } from './support/api-builders.js';
import { createDevice, jobProgressSubscription, triggerBackup } from './support/builders.js';
import { collectSubscription, startTestServer, type TestServer } from './support/test-server.js';

const recheckMs = 5_000;
/** Waits are for things that must happen; minutes, so a busy machine never fails them. */
const patienceMs = 2 * 60_000;

async function eventually(condition: () => boolean): Promise<void> {
  for (const deadline = Date.now() + patienceMs; !condition() && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a subscriber whose access changes', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  async function backUpAndWait(deviceId: string) {
    const { job } = await triggerBackup(server, deviceId);
    await collectSubscription(server.ws(), jobProgressSubscription, { jobId: job!.id });
  }

  it('stops receiving a group’s events once the grant is removed, and is cut off once disabled', async () => {
    const group = await createDeviceGroup(server);
    const device = await createDevice(server, { pluginKey: 'binary_dummy', deviceGroupId: group.id });
    const viewer = await createUserAndSignIn(server, 'viewer', [group.id]);
    const received: string[] = [];
    let completed = false;
    server.ws(viewer.token).subscribe<{ jobEvents: { status: string } }>(
      { query: 'subscription { jobEvents { status } }' },
      {
        next: (result) => received.push(result.data!.jobEvents.status),
        error: () => {},
        complete: () => {
          completed = true;
        },
      },
    );
    // A first backup proves the subscription is live before the counted one.
    await backUpAndWait(device.id);
    await eventually(() => received.includes('succeeded'));
    received.length = 0;

    await backUpAndWait(device.id);
    // The viewer's copy of the last event may land just after the admin's subscription completes.
    await eventually(() => received.includes('succeeded'));
    const whileGranted = received.length;
    await mutate(server, 'updateUser', { id: viewer.id, deviceGroupIds: [] }, 'user { id }');
    await new Promise((resolve) => setTimeout(resolve, recheckMs + 200));
    await backUpAndWait(device.id);
    const afterRevocation = received.length - whileGranted;
    await mutate(server, 'updateUser', { id: viewer.id, disabled: true }, 'user { id }');
    await new Promise((resolve) => setTimeout(resolve, recheckMs + 200));
    await backUpAndWait(device.id);
    await eventually(() => completed);

    assert.ok(whileGranted >= 4, `expected the granted job's events, got ${received.join(', ')}`);
    assert.equal(afterRevocation, 0);
    assert.equal(completed, true, 'the subscription ends once its user is disabled');
  });
});
