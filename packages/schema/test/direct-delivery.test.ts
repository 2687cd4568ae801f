/**
 * Direct delivery (subscriptions handed their events synchronously, issue 12 item 6) keeps the promises of
 * the iterated path: events arrive in the order they were published, including across a device-group lookup
 * that has to wait for the database; events of a group the caller may not read never arrive; and once the
 * caller is signed out the subscription ends and its pubsub subscription is released.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Context } from '../src/context.js';
import { directDelivery, type Listenable } from '../src/direct-delivery.js';
import type { Viewer } from '../src/policy.js';
import { visibleEvents } from '../src/subscription-access.js';

interface Line {
  deviceId: string;
  seq: number;
}

function fakeContext(groups: Map<string, string>, viewer: { current: Viewer | null }) {
  const known = new Map<string, string | null>();
  return {
    currentViewer: async () => viewer.current,
    currentViewerIfFresh: () => viewer.current,
    deviceAccess: {
      knownGroupOf: (id: string) => known.get(id),
      groupOf: async (id: string) => {
        // The database answers later, as it does for a device not seen in the last few seconds.
        await new Promise((resolve) => setTimeout(resolve, 20));
        known.set(id, groups.get(id) ?? null);
        return known.get(id) ?? null;
      },
    },
  } as unknown as Context;
}

/** A pubsub topic with one subscriber, as the server's fan-out pubsub hands it out (apps/server/src/event-queue.ts). */
function topic<T>() {
  let listener: ((event: T) => void) | null = null;
  let released = false;
  const subscription: Listenable<T> = {
    listen: (next) => {
      listener = next;
    },
    return: async () => {
      released = true;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => {
      throw new Error('iterated instead of listened to');
    },
  };
  return { subscription, publish: (event: T) => listener?.(event), released: () => released };
}

describe('direct delivery of device-scoped events', () => {
  it('delivers in publish order across lookups, filters other groups, and ends when the caller is gone', async () => {
    const jobEvents = topic<Line>();
    const groups = new Map([
      ['a1', 'group-a'],
      ['a2', 'group-a'],
      ['b1', 'group-b'],
    ]);
    const viewer: { current: Viewer | null } = {
      current: { userId: 'u', role: 'viewer', deviceGroupIds: new Set(['group-a']) } as unknown as Viewer,
    };
    const ctx = fakeContext(groups, viewer);
    const stream = visibleEvents<Line>(
      ctx,
      () => jobEvents.subscription,
      (line) => line.deviceId,
    );
    const received: number[] = [];
    let ended = false;
    const stop = stream[directDelivery].start(
      (line) => received.push(line.seq),
      () => {
        ended = true;
      },
    );
    assert.ok(stop, 'the fan-out pubsub supports direct delivery');

    const publish = (deviceId: string, seq: number) => jobEvents.publish({ deviceId, seq });
    publish('a1', 1); // unknown group: waits for the lookup
    publish('b1', 2); // another group: never delivered
    publish('a1', 3); // known by then, but must not overtake 1
    publish('a2', 4);
    for (const deadline = Date.now() + 60_000; received.length < 3 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    publish('a1', 5); // everything known now: delivered at once
    assert.deepEqual(received, [1, 3, 4, 5]);

    viewer.current = null;
    publish('a1', 6);
    assert.equal(ended, true, 'a signed-out caller ends the subscription');
    assert.equal(jobEvents.released(), true, 'its pubsub subscription is released');
    assert.deepEqual(received, [1, 3, 4, 5]);
  });
});
