/**
 * Device events (DEVICE_STALE, DEVICE_RECOVERED, BACKUP_FAILED, …) are rows of `events` written in the
 * statement or transaction of the fact they describe, then published on `deviceEvents` once it committed. Alerting reads
 * the rows; nothing here sends anything.
 */
import type { Database } from '@devicevault/schema/db/database';
import { type EventRow, events } from '@devicevault/schema/db/tables';
import type { DeviceEvent, DeviceVaultPubSub } from '@devicevault/schema/pubsub';

export type DeviceEventKind = 'DEVICE_STALE' | 'DEVICE_RECOVERED' | 'BACKUP_FAILED' | (string & {});

export async function insertDeviceEvents(
  tx: Database,
  rows: { kind: DeviceEventKind; deviceId: string | null; payload: Record<string, unknown> }[],
): Promise<EventRow[]> {
  if (rows.length === 0) return [];
  return tx.insert(events).values(rows).returning();
}

export function publishDeviceEvents(pubsub: DeviceVaultPubSub, rows: EventRow[]) {
  for (const row of rows) pubsub.publish('deviceEvents', toDeviceEvent(row));
}

export function toDeviceEvent(row: EventRow): DeviceEvent {
  return {
    id: row.id,
    kind: row.kind,
    deviceId: row.deviceId,
    payload: row.payload,
    createdAt: row.createdAt.toISOString(),
  };
}
