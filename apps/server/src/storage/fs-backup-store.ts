/**
 * Content-addressed filesystem store: `<root>/ab/cd/<sha256>`, text and binary alike. Writes are atomic
 * (replace-file.ts), so a crash or a full disk leaves either the whole blob or nothing under its name; temp
 * files a crash leaves behind are garbage-collected.
 */
import { mkdir, open, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BackupStore, ByteRange, GarbageReport, PutRequest, StoredObject } from './backup-store.js';
import { moveOrCopy, replaceFile } from './replace-file.js';

const blobName = /^[0-9a-f]{64}$/;
const readChunk = 1024 * 1024;

export interface FsBackupStoreOptions {
  /** Test hook: wraps the temp-file copy so a test can fail a write midway. */
  copy?: (from: string, to: string) => Promise<void>;
}

export function createFsBackupStore(root: string, options: FsBackupStoreOptions = {}): BackupStore {
  function pathOf(ref: string) {
    if (!blobName.test(ref)) throw new Error(`invalid blob reference ${ref}`);
    return join(root, ref.slice(0, 2), ref.slice(2, 4), ref);
  }

  return {
    kind: 'fs',
    async put(request: PutRequest): Promise<StoredObject> {
      const target = pathOf(request.sha256);
      const existing = await stat(target).catch(() => null);
      if (existing?.size === request.size) {
        // Fresh mtime: the garbage collector's grace period now protects it until our row is recorded.
        const now = new Date();
        await utimes(target, now, now);
        return { kind: 'fs', ref: request.sha256 };
      }
      await mkdir(dirname(target), { recursive: true });
      // The temp name is this job's and process's own; a crash between write and rename leaves one behind that
      // the job's next attempt (same id, often the same pid in a container) overwrites, as the rename would.
      const temp = `${target}.${request.jobId}.${process.pid}.tmp`;
      await replaceFile(
        target,
        temp,
        (path) =>
          request.bytes
            ? writeFile(path, request.bytes, { flag: 'w' })
            : (options.copy ?? moveOrCopy)(request.spoolPath, path),
        {
          check: async (handle) => {
            const { size } = await handle.stat();
            if (size !== request.size) throw new Error(`wrote ${size} bytes, expected ${request.size}`);
          },
        },
      );
      return { kind: 'fs', ref: request.sha256 };
    },

    async read(ref: string, range?: ByteRange) {
      // Opening first makes a missing blob reject here instead of failing mid-response.
      const handle = await open(pathOf(ref), 'r');
      return handle.createReadStream({
        highWaterMark: readChunk,
        autoClose: true,
        ...(range ? { start: range.start, end: range.end } : {}),
      });
    },

    async collectGarbage(isReferenced, graceMs, candidates): Promise<GarbageReport> {
      const report: GarbageReport = { removed: 0, bytes: 0 };
      const cutoff = Date.now() - graceMs;
      async function consider(path: string, name: string) {
        const isBlob = blobName.test(name);
        if (isBlob ? isReferenced(name) : !name.endsWith('.tmp')) return;
        // Re-checked right before unlinking: a put of the same content refreshes the mtime.
        const info = await stat(path).catch(() => null);
        if (!info || info.mtimeMs > cutoff) return;
        await rm(path, { force: true });
        report.removed += 1;
        report.bytes += info.size;
      }
      if (candidates) {
        for (const ref of candidates) if (blobName.test(ref)) await consider(pathOf(ref), ref);
        return report;
      }
      for (const first of await listDir(root)) {
        if (!/^[0-9a-f]{2}$/.test(first)) continue;
        for (const second of await listDir(join(root, first))) {
          if (!/^[0-9a-f]{2}$/.test(second)) continue;
          const dir = join(root, first, second);
          for (const name of await listDir(dir)) await consider(join(dir, name), name);
        }
      }
      return report;
    },
  };
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
