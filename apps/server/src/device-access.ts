/**
 * The shared device → device group lookup behind every device-scoped subscription: concurrent asks for one
 * device share one query, and answers are kept a few seconds (the same staleness subscriptions already
 * allow for their caller's grants), so 1,000 subscribers filtering a burst of events cost one query per device.
 */
import type { DeviceAccessPort } from '@devicevault/schema/context';
import type { Database } from '@devicevault/schema/db/database';
import { devices } from '@devicevault/schema/db/tables';
import { eq } from 'drizzle-orm';

const maxEntries = 100_000;

export function createDeviceAccess(db: Database, ttlMs = 5_000): DeviceAccessPort {
  const known = new Map<string, { group: string | null; at: number }>();
  const asking = new Map<string, Promise<string | null>>();
  return {
    groupOf(deviceId) {
      const hit = known.get(deviceId);
      if (hit && Date.now() - hit.at < ttlMs) return Promise.resolve(hit.group);
      const pending = asking.get(deviceId);
      if (pending) return pending;
      const lookup = db
        .select({ deviceGroupId: devices.deviceGroupId })
        .from(devices)
        .where(eq(devices.id, deviceId))
        .then(([row]) => {
          const group = row?.deviceGroupId ?? null;
          if (known.size >= maxEntries) known.clear();
          known.set(deviceId, { group, at: Date.now() });
          return group;
        })
        .finally(() => asking.delete(deviceId));
      asking.set(deviceId, lookup);
      return lookup;
    },
  };
}
