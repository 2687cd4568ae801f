/**
 * Content-addressed filesystem store: `blobs/ab/cd/<sha256>`. Writes are atomic (temp file in the same
 * directory, fsync, rename), so a crash leaves either the whole blob or nothing under its name.
 */
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BackupStore, PutRequest, StoredObject } from './backup-store.js';

export function createFsBackupStore(root: string): BackupStore {
  function pathOf(ref: string) {
    if (!/^[0-9a-f]{64}$/.test(ref)) throw new Error(`invalid blob reference ${ref}`);
    return join(root, ref.slice(0, 2), ref.slice(2, 4), ref);
  }

  return {
    kind: 'fs',
    async put(request: PutRequest): Promise<StoredObject> {
      const target = pathOf(request.sha256);
      const existing = await stat(target).catch(() => null);
      if (existing?.size === request.size) return { kind: 'fs', ref: request.sha256 };
      await mkdir(dirname(target), { recursive: true });
      const temp = `${target}.${request.jobId}.tmp`;
      try {
        await moveOrCopy(request.spoolPath, temp);
        const handle = await open(temp, 'r+');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, target);
        await syncDirectory(dirname(target));
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return { kind: 'fs', ref: request.sha256 };
    },
    async read(ref, range) {
      return createReadStream(pathOf(ref), range ? { start: range.start, end: range.end } : {});
    },
  };
}

/** Spool and blobs usually share a filesystem, so a rename avoids copying 250 MB; EXDEV falls back to a copy. */
async function moveOrCopy(from: string, to: string) {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(from, to);
  }
}

async function syncDirectory(directory: string) {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
