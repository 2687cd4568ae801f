/** "Used by" counts: how many devices reference each credential / device group / collection group. */
import { inArray, sql } from 'drizzle-orm';
import type { Database } from './db/database.js';
import { devices } from './db/tables.js';

type DeviceReference =
  | typeof devices.credentialId
  | typeof devices.deviceGroupId
  | typeof devices.collectionGroupId
  | typeof devices.zoneId;

/** A dataloader batch function: one grouped count query per batch of ids. */
export function deviceCountLoader(column: DeviceReference) {
  return async (ids: string[], ctx: { db: Database }) => {
    const rows = await ctx.db
      .select({ id: column, count: sql<number>`count(*)::int` })
      .from(devices)
      .where(inArray(column, ids))
      .groupBy(column);
    const byId = new Map(rows.map((row) => [row.id, row.count]));
    return ids.map((id) => byId.get(id) ?? 0);
  };
}

export async function countDevicesUsing(db: Database, column: DeviceReference, id: string): Promise<number> {
  const [count] = await deviceCountLoader(column)([id], { db });
  return count ?? 0;
}
