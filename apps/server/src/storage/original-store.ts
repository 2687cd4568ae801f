/**
 * Restorable originals of scrubbed versions: encrypted while streaming into a spool file (the plaintext never
 * touches the disk), then put into the originals store; an unchanged original (same keyed hash) points at the
 * blob already stored. Read back decrypted, streamed, for the signed download of an admin.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Database } from '@devicevault/schema/db/database';
import { type BackupOriginalRow, backupOriginals, type DeviceRow } from '@devicevault/schema/db/tables';
import { eq, type SQL, sql } from 'drizzle-orm';
import type { Bound, BoundFields } from '../db/bound.js';
import { blobHeaderBytes, blobTagBytes } from '../secrets/blob-cipher.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { GarbageReport } from './backup-store.js';
import type { StorageRegistry } from './storage-registry.js';

export type StoredOriginal = Omit<BackupOriginalRow, 'backupId' | 'createdAt'>;

export async function putOriginal(
  deps: { db: Database; storage: StorageRegistry; secrets: SecretBox },
  original: string,
  where: { spoolDir: string; device: DeviceRow; jobId: string },
): Promise<StoredOriginal> {
  const plaintext = Buffer.from(original, 'utf8');
  const plaintextMac = deps.secrets.blobs.mac(plaintext);
  const [same] = await deps.db
    .select({ storageRef: backupOriginals.storageRef, size: backupOriginals.size })
    .from(backupOriginals)
    .where(eq(backupOriginals.plaintextMac, plaintextMac))
    .limit(1);
  if (same) return { ...same, plaintextMac };

  const spoolPath = join(where.spoolDir, `${randomUUID()}.original.enc`);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  try {
    // The job's spool directory exists only once something is spooled (a text job's config stays in memory).
    await mkdir(where.spoolDir, { recursive: true });
    await pipeline(
      Readable.from([plaintext]),
      deps.secrets.blobs.encrypting(),
      meter,
      createWriteStream(spoolPath, { flags: 'wx', mode: 0o600 }),
    );
    const stored = await deps.storage.originals.put({
      spoolPath,
      sha256: hash.digest('hex'),
      size,
      deviceId: where.device.id,
      deviceName: where.device.name,
      jobId: where.jobId,
      isBinary: true,
    });
    return { storageRef: stored.ref, size: plaintext.length, plaintextMac };
  } finally {
    await rm(spoolPath, { force: true });
  }
}

/** The original's row, as a CTE of the statement that records its version, written only when `onlyIf` holds. */
export function originalRowCte(
  db: Database,
  original: BoundFields<StoredOriginal>,
  backupId: Bound<string>,
  onlyIf: SQL,
) {
  const { storageRef, size, plaintextMac } = original;
  return db.$with('original_row', {}).as(sql`
      /* originalRow */
      insert into ${backupOriginals} (backup_id, storage_ref, size, plaintext_mac)
      select ${backupId}::uuid, ${storageRef}::text, ${size}::bigint, ${plaintextMac}::text where ${onlyIf}`);
}

/** The original's plaintext, streamed; the stream errors at its end if the blob was tampered with. */
export async function readOriginal(
  deps: { storage: StorageRegistry; secrets: SecretBox },
  row: Pick<BackupOriginalRow, 'storageRef' | 'size'>,
): Promise<Readable> {
  const { originals } = deps.storage;
  const cipherSize = row.size + blobHeaderBytes + blobTagBytes;
  const [header, tag] = await Promise.all([
    readAll(await originals.read(row.storageRef, { start: 0, end: blobHeaderBytes - 1 })),
    readAll(await originals.read(row.storageRef, { start: cipherSize - blobTagBytes, end: cipherSize - 1 })),
  ]);
  const decipher = deps.secrets.blobs.decrypting(header, tag);
  const out = new PassThrough();
  if (row.size === 0) {
    decipher.end();
    return decipher.pipe(out);
  }
  const body = await originals.read(row.storageRef, { start: blobHeaderBytes, end: cipherSize - blobTagBytes - 1 });
  pipeline(body, decipher, out).catch((error: Error) => out.destroy(error));
  return out;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Removes encrypted originals no version refers to any more (their versions were pruned or deleted), older
 * than `graceMs` so one a running job has just written survives until its row is recorded.
 */
export async function collectOriginalGarbage(
  deps: { db: Database; storage: StorageRegistry },
  graceMs: number,
): Promise<GarbageReport> {
  const rows = await deps.db.selectDistinct({ ref: backupOriginals.storageRef }).from(backupOriginals);
  const referenced = new Set(rows.map((row) => row.ref));
  return deps.storage.originals.collectGarbage((ref) => referenced.has(ref), graceMs);
}
