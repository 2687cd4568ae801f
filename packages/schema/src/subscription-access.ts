/**
 * The one filter every device-scoped subscription runs its events through: the caller is re-read (≤ 5 s
 * stale; the subscription ends once they are signed out, revoked or disabled), and each event's device group
 * comes from the shared lookup (one query per device across all subscribers, not one per subscriber).
 * Events without a device (DELIVERY_FAILING) reach admins only.
 */
import type { Context } from './context.js';
import { canReadDevice } from './policy.js';

export async function* visibleEvents<T>(
  ctx: Context,
  source: AsyncIterable<T>,
  deviceOf: (event: T) => string | null,
  accept: (event: T) => boolean = () => true,
): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const event = next.value;
      if (!accept(event)) continue;
      const viewer = await ctx.currentViewer();
      if (!viewer) return;
      if (viewer.role === 'admin') {
        yield event;
        continue;
      }
      const deviceId = deviceOf(event);
      if (deviceId === null) continue;
      if (canReadDevice(viewer, { deviceGroupId: await ctx.deviceAccess.groupOf(deviceId) })) yield event;
    }
  } finally {
    await iterator.return?.();
  }
}
