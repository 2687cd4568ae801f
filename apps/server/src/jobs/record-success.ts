/**
 * Step "record" of a collected version: the version, its texts, the job's final lines, its device's state, a
 * recovery event and a restorable original's row in one statement (record-version.ts), written only while the
 * job is still ours. The statement is built once per shape and database, with placeholders, and then only run:
 * drizzle builds a statement's SQL on every run otherwise (0.25–0.35 ms of CPU for this one, of a job's 6). A
 * change event diffs against the previous version's text, so a changed version's statement runs with it in one
 * transaction (built there: a statement prepared on the database runs outside any transaction).
 */
import type { Database } from '@devicevault/schema/db/database';
import type { BackupRow, EventRow, JobLogLine } from '@devicevault/schema/db/tables';
import { sql } from 'drizzle-orm';
import { originalRowCte, type StoredOriginal } from '../storage/original-store.js';
import { type NewVersion, versionInsert } from '../storage/record-version.js';
import { storableTexts, type TextContent } from '../storage/text-contents.js';
import { type ChangeFacts, recordChangeEvent } from './change-event.js';
import { jobLinesCte, type Lease } from './job-queue.js';
import {
  deviceSucceededCte,
  type FirstHostKey,
  recoveryEventCte,
  recoveryEventOf,
  recoveryPayloadJson,
} from './outcome-facts.js';

export interface Success {
  lease: Lease;
  /** Lines still to store, the final one ("Stored a new version", status succeeded) last. */
  lines: JobLogLine[];
  version: NewVersion & { id: string; deviceId: string; jobId: string; changed: boolean };
  texts: TextContent[];
  original: StoredOriginal | null;
  firstHostKey: FirstHostKey | null;
  /** What the change event says, when the version changed since a previous one (a first version is no change). */
  change: ChangeFacts | null;
}

/** The version's row and the events written with it (to publish once stored); null when the job was not ours. */
export async function recordSuccess(
  db: Database,
  success: Success,
): Promise<{ row: BackupRow; events: EventRow[] } | null> {
  const texts = storableTexts(success.texts);
  const shape: Shape = { texts: texts.length, original: success.original !== null, hostKey: !!success.firstHostKey };
  const values = valuesOf(success, texts);
  const { change } = success;
  if (!change) {
    const row = await runPrepared(db, shape, values);
    return row ? { row, events: row.recovered ? [row.recovered] : [] } : null;
  }
  return db.transaction(async (tx) => {
    const [row] = await successStatement(tx, shape).execute(values);
    if (!row) return null;
    const changed = await recordChangeEvent(tx, change);
    return { row, events: [...(row.recovered ? [row.recovered] : []), ...changed] };
  });
}

/** What varies the statement's text: how many texts, whether an original's row and a first host key go with it. */
interface Shape {
  texts: number;
  original: boolean;
  hostKey: boolean;
}

const p = sql.placeholder;

function successStatement(db: Database, shape: Shape) {
  const finishedJob = jobLinesCte(
    db,
    { jobId: p('jobId'), owner: p('leaseOwner'), attempt: p('attempt') },
    'succeeded',
    p('lines'),
    { backupId: p('backupId'), finishedAt: p('finishedAt'), leaseOwner: null, leaseExpiresAt: null },
  );
  const ours = sql`exists (select 1 from ${finishedJob})`;
  const hostKey = shape.hostKey ? { host: p('hostKeyHost'), port: p('hostKeyPort'), fingerprint: p('hostKey') } : null;
  const deviceState = deviceSucceededCte(db, p('deviceId'), hostKey, ours);
  const recoveryEvent = recoveryEventCte(db, deviceState, p('deviceId'), p('recoveryPayload'));
  const original = { storageRef: p('originalRef'), size: p('originalSize'), plaintextMac: p('originalMac') };
  return versionInsert(
    db,
    {
      id: p('backupId'),
      deviceId: p('deviceId'),
      jobId: p('jobId'),
      isBinary: p('isBinary'),
      sha256: p('sha256'),
      size: p('size'),
      storageKind: p('storageKind'),
      storageRef: p('storageRef'),
      storageLocationId: p('storageLocationId'),
      significantSha256: p('significantSha256'),
      changed: p('changed'),
      changedBy: p('changedBy'),
    },
    Array.from({ length: shape.texts }, (_, index) => ({
      sha256: p(`text${index}Sha256`),
      content: p(`text${index}`),
    })),
    {
      with: [
        finishedJob,
        deviceState,
        recoveryEvent,
        ...(shape.original ? [originalRowCte(db, original, p('backupId'), ours)] : []),
      ],
      onlyIf: ours,
      returning: { recovered: recoveryEventOf(recoveryEvent) },
    },
  );
}

type Prepared = ReturnType<ReturnType<typeof successStatement>['prepare']>;

// Per database, per shape (at most 3 × 2 × 2): built and prepared on first use.
const preparedStatements = new WeakMap<Database, Map<string, Prepared>>();

async function runPrepared(db: Database, shape: Shape, values: Record<string, unknown>) {
  const byShape = preparedStatements.get(db) ?? new Map<string, Prepared>();
  preparedStatements.set(db, byShape);
  const key = `${shape.texts}-${shape.original}-${shape.hostKey}`;
  const statement = byShape.get(key) ?? successStatement(db, shape).prepare(`recordSuccess_${key}`);
  byShape.set(key, statement);
  const [row] = await statement.execute(values);
  return row ?? null;
}

function valuesOf(success: Success, texts: TextContent[]): Record<string, unknown> {
  const { lease, version, original, firstHostKey } = success;
  const values: Record<string, unknown> = {
    jobId: lease.jobId,
    leaseOwner: lease.owner,
    attempt: lease.attempt,
    lines: JSON.stringify(success.lines),
    finishedAt: new Date(),
    backupId: version.id,
    deviceId: version.deviceId,
    recoveryPayload: recoveryPayloadJson({
      deviceId: version.deviceId,
      jobId: version.jobId,
      backupId: version.id,
      changed: version.changed,
      changedBy: version.changedBy ?? null,
    }),
    isBinary: version.isBinary,
    sha256: version.sha256,
    size: version.size,
    storageKind: version.storageKind,
    storageRef: version.storageRef,
    storageLocationId: version.storageLocationId ?? null,
    significantSha256: version.significantSha256 ?? null,
    changed: version.changed,
    changedBy: version.changedBy ?? null,
  };
  if (firstHostKey) {
    values.hostKeyHost = firstHostKey.host;
    values.hostKeyPort = firstHostKey.port;
    values.hostKey = firstHostKey.fingerprint;
  }
  if (original) {
    values.originalRef = original.storageRef;
    values.originalSize = original.size;
    values.originalMac = original.plaintextMac;
  }
  texts.forEach((text, index) => {
    values[`text${index}Sha256`] = text.sha256;
    values[`text${index}`] = text.content;
  });
  return values;
}
