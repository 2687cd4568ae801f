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

  it('checks a job event against the group it carries only while that is fresh; an old one is read again', async () => {
    const groupA = await createDeviceGroup(server);
    const groupB = await createDeviceGroup(server);
    // The device is in B now; events below claim A as their publisher read it, fresh or a minute ago.
    const device = await createDevice(server, { pluginKey: 'noop', deviceGroupId: groupB.id });
    const viewerA = await createUserAndSignIn(server, 'viewer', [groupA.id]);
    const viewerB = await createUserAndSignIn(server, 'viewer', [groupB.id]);
    const heard = { a: [] as string[], b: [] as string[] };
    for (const [who, token] of [
      ['a', viewerA.token],
      ['b', viewerB.token],
    ] as const)
      server
        .ws(token)
        .subscribe<{ jobEvents: { message: string } }>(
          { query: 'subscription { jobEvents { message } }' },
          { next: (result) => heard[who].push(result.data!.jobEvents.message), error: () => {}, complete: () => {} },
        );
    const line = (message: string, groupId: string, at: number) => ({
      seq: 1,
      at: new Date().toISOString(),
      status: 'running' as const,
      message,
      jobId: '00000000-0000-4000-8000-00000000000a',
      deviceId: device.id,
      deviceGroupId: groupId,
      deviceGroupAt: at,
    });
    // Publish until both subscriptions are live (a probe each can see), then the two lines under test.
    for (const deadline = Date.now() + patienceMs; Date.now() < deadline; ) {
      server.app.pubsub.publish('jobEvents', line('probe A', groupA.id, Date.now()));
      server.app.pubsub.publish('jobEvents', line('probe B', groupB.id, Date.now()));
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (heard.a.includes('probe A') && heard.b.includes('probe B')) break;
    }
    server.app.pubsub.publish('jobEvents', line('stale, says A', groupA.id, Date.now() - 60_000));
    server.app.pubsub.publish('jobEvents', line('end', groupB.id, Date.now()));
    await eventually(() => heard.b.includes('end'));
    assert.ok(heard.b.includes('stale, says A'), 'an old carried group is read again: the device is in B');
    assert.ok(!heard.a.includes('stale, says A'), "a viewer of A doesn't get an event of a device now in B");
    assert.ok(!heard.b.includes('probe A') && !heard.a.includes('probe B'));
  });
});
