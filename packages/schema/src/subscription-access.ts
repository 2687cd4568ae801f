/**
 * The one filter every device-scoped subscription runs its events through: the caller is re-read (≤ 5 s
 * stale; the subscription ends once they are signed out, revoked or disabled), and each event's device group
 * comes from the shared lookup (one query per device across all subscribers, not one per subscriber).
 * Events without a device (DELIVERY_FAILING) reach admins only. The same checks run for a transport that
 * delivers directly (direct-delivery.ts), synchronously while the caller and the device's group are known.
 */
import type { Context } from './context.js';
import { type DirectDelivery, directDelivery, isListenable } from './direct-delivery.js';
import { canReadDevice, type Viewer } from './policy.js';

/** Whether the caller may see an event; 'end' once they are signed out, revoked or disabled. */
type Verdict = boolean | 'end';

/**
 * An event's device: its id, or its id with the group its publisher read and when (epoch ms), or null for an
 * event without a device.
 */
export type EventDevice = string | null | { id: string; groupId: string | null; readAt: number };

// A carried group is trusted as long as the shared lookup keeps an answer (apps/server/src/device-access.ts):
// a device moved to another group stops reaching the old group's subscribers as soon as it would there.
const carriedGroupTtlMs = 5_000;

const idOf = (device: EventDevice) => (device === null || typeof device === 'string' ? device : device.id);
const carriedGroupOf = (device: EventDevice) =>
  device === null || typeof device === 'string' || Date.now() - device.readAt >= carriedGroupTtlMs
    ? undefined
    : device.groupId;

export function visibleEvents<T>(
  ctx: Context,
  subscribe: () => AsyncIterable<T>,
  deviceOf: (event: T) => EventDevice,
  accept: (event: T) => boolean = () => true,
): AsyncGenerator<T> & { [directDelivery]: DirectDelivery<T> } {
  const check = (event: T) => visibleLater(ctx, deviceOf(event));
  const direct: DirectDelivery<T> = {
    start(deliver, end) {
      const source = subscribe();
      if (!isListenable(source)) {
        void source[Symbol.asyncIterator]().return?.();
        return null;
      }
      let over = false;
      const finish = (error?: unknown) => {
        if (over) return;
        over = true;
        void source.return();
        end(error);
      };
      const apply = (verdict: Verdict, event: T) => {
        if (verdict === 'end') finish();
        else if (verdict) deliver(event);
      };
      // Events that arrived while the caller or a device's group was being read, in order. One wait covers
      // them all (a promise per subscriber per event was most of the cost of a 50-event burst).
      const pending: T[] = [];
      let resolving = false;
      const resolvePending = async () => {
        // A burst published together is all here after this; its devices are then read in one query.
        await null;
        const unknown = pending.map(deviceOf).filter((device) => carriedGroupOf(device) === undefined);
        await Promise.all(
          [...new Set(unknown.map(idOf))].map((id) => (id === null ? null : ctx.deviceAccess.groupOf(id))),
        );
        while (pending.length > 0 && !over) {
          const event = pending.shift() as T;
          apply(visibleNow(ctx, deviceOf(event)) ?? (await check(event)), event);
        }
        resolving = false;
      };
      source.listen((event) => {
        if (over) return;
        // Runs inside the publisher's loop over every subscriber: nothing here may throw into it.
        try {
          if (!accept(event)) return;
          if (!resolving) {
            const verdict = visibleNow(ctx, deviceOf(event));
            if (verdict !== undefined) return apply(verdict, event);
            resolving = true;
            resolvePending().catch(finish);
          }
          pending.push(event);
        } catch (error) {
          finish(error);
        }
      });
      return () => {
        over = true;
        void source.return();
      };
    },
  };
  return Object.assign(followVisible(subscribe, check, accept), { [directDelivery]: direct });
}

async function* followVisible<T>(
  subscribe: () => AsyncIterable<T>,
  check: (event: T) => Promise<Verdict>,
  accept: (event: T) => boolean,
): AsyncGenerator<T> {
  // Subscribed only once iteration starts: a generator returned before it starts never runs its finally.
  const iterator = subscribe()[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const event = next.value;
      if (!accept(event)) continue;
      const verdict = await check(event);
      if (verdict === 'end') return;
      if (verdict) yield event;
    }
  } finally {
    await iterator.return?.();
  }
}

/** The verdict from what is already known, or undefined when the caller or the device's group must be read. */
function visibleNow(ctx: Context, device: EventDevice): Verdict | undefined {
  const viewer = ctx.currentViewerIfFresh();
  if (viewer === undefined) return undefined;
  const carried = carriedGroupOf(device);
  return judge(viewer, idOf(device), (id) => (carried !== undefined ? carried : ctx.deviceAccess.knownGroupOf(id)));
}

async function visibleLater(ctx: Context, device: EventDevice): Promise<Verdict> {
  const viewer = await ctx.currentViewer();
  const deviceId = idOf(device);
  const carried = carriedGroupOf(device);
  const group =
    carried !== undefined
      ? carried
      : viewer && viewer.role !== 'admin' && deviceId !== null
        ? await ctx.deviceAccess.groupOf(deviceId)
        : null;
  return judge(viewer, deviceId, () => group) as Verdict;
}

function judge(
  viewer: Viewer | null,
  deviceId: string | null,
  groupOf: (deviceId: string) => string | null | undefined,
): Verdict | undefined {
  if (!viewer) return 'end';
  if (viewer.role === 'admin') return true;
  if (deviceId === null) return false;
  const group = groupOf(deviceId);
  if (group === undefined) return undefined;
  return canReadDevice(viewer, { deviceGroupId: group });
}
