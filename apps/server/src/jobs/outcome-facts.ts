/**
 * What a job's outcome says about its device, written in the job's final transaction: the time of the last
 * success or failure, consecutive failures, the backup state, and the event of a transition (a failure is
 * BACKUP_FAILED, the first success after FAILING or STALE is DEVICE_RECOVERED).
 */
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import type { EventRow } from '@devicevault/schema/db/tables';
import { sql } from 'drizzle-orm';
import { insertDeviceEvents } from './device-events.js';

/** A host key a job saw at the address it connected to, to pin when the device has none yet (trust on first use). */
export interface FirstHostKey {
  fingerprint: string;
  host: string;
  port: number;
}

/**
 * A success's device side, as a CTE of the statement that records the version (record-version.ts): the
 * device's state before it, as `previous`, for recordRecovery. A device without a pinned host key gets the one
 * this job saw, unless its address changed meanwhile (that key belongs to the old one).
 */
export function deviceSucceededCte(db: Database, deviceId: string, hostKey: FirstHostKey | null = null) {
  const pinned = hostKey
    ? sql`case when d.host = ${hostKey.host} and d.port = ${hostKey.port}
        then coalesce(d.host_key_fingerprint, ${hostKey.fingerprint}) else d.host_key_fingerprint end`
    : sql`d.host_key_fingerprint`;
  return db.$with('device_state', {}).as(sql`
      /* deviceSucceeded */
      update devices d set last_success_at = now(), consecutive_failures = 0,
        host_key_fingerprint = ${pinned},
        backup_state = case when d.enabled and d.archived_at is null then 'FRESH' else 'DISABLED' end
      from (select id, backup_state from devices where id = ${deviceId}) old
      where d.id = old.id
      returning old.backup_state as previous`);
}

/** DEVICE_RECOVERED when the success ended a FAILING or STALE state (`previous`, from deviceSucceededCte). */
export async function recordRecovery(
  tx: Database,
  facts: { deviceId: string; jobId: string; backupId: string; changed: boolean; changedBy: string | null },
  previous: string | null,
): Promise<EventRow[]> {
  if (!previous || !['FAILING', 'STALE'].includes(previous)) return [];
  const { deviceId, ...payload } = facts;
  return insertDeviceEvents(tx, [
    { kind: 'DEVICE_RECOVERED', deviceId, payload: { ...payload, previousState: previous } },
  ]);
}

export async function recordFailureFacts(
  tx: Database,
  facts: { deviceId: string; jobId: string; code: string; message: string; attempt: number },
): Promise<EventRow[]> {
  const [row] = rowsOf<{ consecutiveFailures: number }>(
    await tx.execute(sql`
      /* deviceFailed */
      update devices set last_failure_at = now(), consecutive_failures = consecutive_failures + 1,
        backup_state = case when enabled and archived_at is null then 'FAILING' else 'DISABLED' end
      where id = ${facts.deviceId}
      returning consecutive_failures as "consecutiveFailures"`),
  );
  if (!row) return [];
  const { deviceId, ...payload } = facts;
  const failed = { ...payload, consecutiveFailures: row.consecutiveFailures };
  // A changed host key and a suspect output are alerts of their own kinds too (issue 12).
  const also = failureKinds[facts.code];
  return insertDeviceEvents(tx, [
    { kind: 'BACKUP_FAILED', deviceId, payload: failed },
    ...(also ? [{ kind: also, deviceId, payload: failed }] : []),
  ]);
}

const failureKinds: Record<string, string> = {
  host_key_changed: 'HOST_KEY_CHANGED',
  suspect_output: 'SUSPECT_OUTPUT',
};
