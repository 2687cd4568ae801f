/**
 * The shared device → device group lookup behind every device-scoped subscription: every device asked about
 * while the current code runs is read in one query (a group's 50 `queued` lines at once are one query, not
 * 50), concurrent asks for one device share it, and answers are kept a few seconds (the same staleness
 * subscriptions already allow for their caller's grants).
 */
import type { DeviceAccessPort } from '@devicevault/schema/context';
import type { Database } from '@devicevault/schema/db/database';
import { devices } from '@devicevault/schema/db/tables';
import { sql } from 'drizzle-orm';

const maxEntries = 100_000;

export function createDeviceAccess(db: Database, ttlMs = 5_000): DeviceAccessPort {
  const known = new Map<string, { group: string | null; at: number }>();
  const asking = new Map<string, Promise<string | null>>();
  let batch: Map<string, { resolve(group: string | null): void; reject(error: unknown): void }> | null = null;

  async function readBatch() {
    const asked = batch!;
    batch = null;
    const ids = [...asked.keys()];
    try {
      // One statement text whatever the batch size, so it stays one prepared statement.
      const rows = await db
        .select({ id: devices.id, deviceGroupId: devices.deviceGroupId })
        .from(devices)
        .where(
          sql`${devices.id} in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`,
        );
      const groups = new Map(rows.map((row) => [row.id, row.deviceGroupId]));
      if (known.size + ids.length >= maxEntries) known.clear();
      const at = Date.now();
      for (const [id, waiter] of asked) {
        const group = groups.get(id) ?? null;
        known.set(id, { group, at });
        waiter.resolve(group);
      }
    } catch (error) {
      for (const waiter of asked.values()) waiter.reject(error);
    } finally {
      for (const id of ids) asking.delete(id);
    }
  }

  return {
    knownGroupOf(deviceId) {
      const hit = known.get(deviceId);
      return hit && Date.now() - hit.at < ttlMs ? hit.group : undefined;
    },
    groupOf(deviceId) {
      const hit = known.get(deviceId);
      if (hit && Date.now() - hit.at < ttlMs) return Promise.resolve(hit.group);
      const pending = asking.get(deviceId);
      if (pending) return pending;
      if (!batch) {
        batch = new Map();
        queueMicrotask(() => void readBatch());
      }
      const current = batch;
      const lookup = new Promise<string | null>((resolve, reject) => current.set(deviceId, { resolve, reject }));
      asking.set(deviceId, lookup);
      return lookup;
    },
  };
}
