/**
 * What a job's outcome says about its device, written with the outcome (in its statement or transaction): the
 * time of the last success or failure, consecutive failures, the backup state, and the event of a transition
 * (a failure is BACKUP_FAILED, the first success after FAILING or STALE is DEVICE_RECOVERED).
 */
import { type Database, parsedJson, rowsOf } from '@devicevault/schema/db/database';
import { type EventRow, events } from '@devicevault/schema/db/tables';
import { type SQL, sql } from 'drizzle-orm';
import type { WithSubquery } from 'drizzle-orm/subquery';
import type { Bound, BoundFields } from '../db/bound.js';
import { insertDeviceEvents } from './device-events.js';

/** A host key a job saw at the address it connected to, to pin when the device has none yet (trust on first use). */
export interface FirstHostKey {
  fingerprint: string;
  host: string;
  port: number;
}

/**
 * A success's device side, as a CTE of the statement that records the version (record-success.ts), written
 * only when `onlyIf` holds (the job is still ours): the device's state before it, as `previous`. A device
 * without a pinned host key gets the one this job saw, unless its address changed meanwhile (that key belongs
 * to the old one).
 */
export function deviceSucceededCte(
  db: Database,
  deviceId: Bound<string>,
  hostKey: BoundFields<FirstHostKey> | null,
  onlyIf: SQL,
) {
  const pinned = hostKey ? pinnedFingerprint(hostKey) : sql`d.host_key_fingerprint`;
  return db.$with('device_state', {}).as(sql`
      /* deviceSucceeded */
      update devices d set last_success_at = now(), consecutive_failures = 0,
        host_key_fingerprint = ${pinned},
        backup_state = case when d.enabled and d.archived_at is null then 'FRESH' else 'DISABLED' end
      from (select id, backup_state from devices where id = ${deviceId}::uuid) old
      where d.id = old.id and ${onlyIf}
      returning old.backup_state as previous`);
}

/**
 * The fingerprint `devices d` keeps: its pinned one, or, when it has none, the one a job saw at its address (a key
 * seen at an address the device no longer has belongs to the old one).
 */
function pinnedFingerprint(hostKey: BoundFields<FirstHostKey>) {
  return sql`case when d.host = ${hostKey.host}::text and d.port = ${hostKey.port}::int
        then coalesce(d.host_key_fingerprint, ${hostKey.fingerprint}::text) else d.host_key_fingerprint end`;
}

/**
 * A failed job's first host key, pinned in the statement or transaction that recorded its failure (only once
 * that write held, so a job another runner took pins nothing); a success pins it in deviceSucceededCte.
 */
export async function pinFailedJobHostKey(tx: Database, deviceId: string, hostKey: FirstHostKey): Promise<void> {
  await tx.execute(sql`
    /* pinHostKey */
    update devices d set host_key_fingerprint = ${pinnedFingerprint(hostKey)}
    where d.id = ${deviceId} and d.host_key_fingerprint is null`);
}

/** What a success's events say: its job, version, whether it changed and who changed it. */
export interface SuccessFacts {
  deviceId: string;
  jobId: string;
  backupId: string;
  changed: boolean;
  changedBy: string | null;
}

/** The payload of a success's DEVICE_RECOVERED event, before its previous state. */
export function recoveryPayloadJson({ deviceId: _deviceId, ...payload }: SuccessFacts): string {
  return JSON.stringify(payload);
}

/**
 * DEVICE_RECOVERED when the success ended a FAILING or STALE state, as a CTE after deviceSucceededCte's, so the
 * event is written by the statement that records the success. Read back with `recoveryEventOf`.
 */
export function recoveryEventCte(
  db: Database,
  deviceState: WithSubquery,
  deviceId: Bound<string>,
  payloadJson: Bound<string>,
) {
  return db.$with('recovery_event', {}).as(sql`
      /* deviceRecovered */
      insert into ${events} (kind, device_id, payload)
      select 'DEVICE_RECOVERED', ${deviceId}::uuid,
        ${payloadJson}::jsonb || jsonb_build_object('previousState', s.previous)
      from ${deviceState} s where s.previous in ('FAILING', 'STALE')
      returning id, kind, device_id as "deviceId", payload, created_at as "createdAt"`);
}

/** The event recoveryEventCte wrote, as a column of the version's row (at most one). */
export function recoveryEventOf(recoveryEvent: WithSubquery) {
  return sql`(select to_json(e) from ${recoveryEvent} e)`.mapWith((value): EventRow | null => {
    const row = parsedJson<(Omit<EventRow, 'createdAt'> & { createdAt: string }) | null>(value);
    return row && { ...row, createdAt: new Date(row.createdAt), evaluatedAt: null };
  });
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
