/**
 * Replacing a file whole or not at all, for the blob store and the CLI's `--out` alike: the new bytes go to a temp
 * file beside the target, are synced, and the temp file is renamed over the target, whose directory is then
 * synced. A crash, a full disk or a failed write leaves the target as it was and no temp file behind.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';

const copyChunk = 1024 * 1024;

export interface ReplaceOptions {
  /** Runs on the filled temp file before it is synced: a size check, the mode and owner to keep. */
  check?: (handle: FileHandle) => Promise<void>;
  /**
   * Whether a directory that refuses its fsync fails the replace. The blob store says so (its database row
   * records a blob the disk must keep); `--out` does not (the file is in place, and FUSE or SMB refuse it).
   */
  directorySync?: 'required' | 'best effort';
}

/** `fill` writes the new content to the temp path it is given (a path in the target's directory). */
export async function replaceFile(
  target: string,
  temp: string,
  fill: (temp: string) => Promise<void>,
  options: ReplaceOptions = {},
): Promise<void> {
  try {
    await fill(temp);
    const handle = await open(temp, 'r+');
    try {
      await options.check?.(handle);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  const synced = syncDirectory(dirname(target));
  await (options.directorySync === 'best effort' ? synced.catch(() => {}) : synced);
}

/**
 * A spool file usually shares the target's filesystem, so a rename avoids copying 250 MB; EXDEV falls back to a
 * copy, which replaces a file already at `to` as the rename would (a temp file a crash left behind). The copy
 * is created with `mode` (before the umask), as the moved file would keep its own.
 */
export async function moveOrCopy(from: string, to: string, mode = 0o666): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await pipeline(createReadStream(from, { highWaterMark: copyChunk }), createWriteStream(to, { flags: 'w', mode }));
  }
}

/** The rename itself is on disk once its directory is synced. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
