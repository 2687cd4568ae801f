/**
 * The staleness sweep: recomputes every device's backup state in one statement and writes the new state with
 * the transition's event in the same statement, so DEVICE_STALE is emitted once per transition however many
 * processes sweep: only rows whose state changed are locked (SKIP LOCKED, so two sweeps never wait on each
 * other or deadlock), and a row another sweep already changed no longer qualifies. NEVER → STALE is not an
 * event: it only happens to devices the sweep never looked at (an upgraded install), which passed no threshold
 * just now.
 */
import { backupStateSql } from '@devicevault/schema/backup-state';
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import type { EventRow } from '@devicevault/schema/db/tables';
import type { DeviceVaultPubSub } from '@devicevault/schema/pubsub';
import { sql } from 'drizzle-orm';
import { publishDeviceEvents } from './device-events.js';

export async function sweepBackupStates(deps: { db: Database; pubsub: DeviceVaultPubSub }, now: Date) {
  const rows = rowsOf<EventRow & { created_at?: string }>(
    await deps.db.execute(sql`
      /* sweepBackupStates */
      with computed as (
        select id, backup_state as previous, ${backupStateSql(now)} as state from devices
        where backup_state is distinct from ${backupStateSql(now)}
        for update skip locked
      ),
      changed as (
        update devices d set backup_state = c.state
        from computed c
        where d.id = c.id
        returning d.id, c.previous, c.state, d.last_success_at
      )
      insert into events (kind, device_id, payload)
      select 'DEVICE_STALE', id,
        jsonb_build_object('previousState', previous, 'lastSuccessAt', last_success_at)
      from changed where state = 'STALE' and previous <> 'NEVER'
      returning id, kind, device_id as "deviceId", payload, created_at as "createdAt"`),
  );
  const events = rows.map((row) => ({ ...row, createdAt: new Date(row.createdAt) }));
  publishDeviceEvents(deps.pubsub, events);
  return events;
}
