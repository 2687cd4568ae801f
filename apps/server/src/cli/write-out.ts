/**
 * `--out FILE`: a collected config or binary lands whole or not at all. It is written beside the destination,
 * synced, and renamed over it, so a full disk, a dropped copy or a crash never leaves half a config where the
 * last good one was. The destination keeps its mode and owner (a new one is private: an unscrubbed config holds
 * secrets), a symlink keeps pointing where it did, and a device, pipe or `/dev/stdout` is written through as a
 * shell redirection would.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { type FileHandle, open, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';

export type OutSource = { text: string } | { spoolPath: string };

// Configs hold secrets unless scrubbed: a new file is the user's alone.
const newFileMode = 0o600;
const descriptorAlias = /^\/(?:dev\/(?:stdout|stderr|fd\/\d+)|proc\/(?:self|thread-self|\d+)\/fd\/\d+)$/;

export async function writeOut(out: string, source: OutSource): Promise<void> {
  // `/dev/stdout` and `/proc/self/fd/N` name whatever the descriptor is: resolved, they would be replaced. (Other
  // paths under /dev, such as a file in /dev/shm, are files like any other.)
  if (descriptorAlias.test(resolve(out))) return writeThrough(out, source);
  // Through a symlink to the file it names (a dangling one is replaced by the file).
  const destination = await realpath(out).catch(() => out);
  const existing = await stat(destination).catch(() => null);
  if (existing && !existing.isFile()) return writeThrough(destination, source);
  const mode = existing ? existing.mode & 0o777 : newFileMode;
  const keep = async (handle: FileHandle) => {
    // open's mode passes through the umask; the destination's own mode (and owner, where we may) is kept.
    await handle.chmod(mode);
    if (existing) await handle.chown(existing.uid, existing.gid).catch(() => {});
  };
  if ('spoolPath' in source && (await movedInto(source.spoolPath, destination, keep))) return;

  const partial = `${destination}.${randomBytes(6).toString('hex')}.part`;
  const handle = await open(partial, 'wx', mode).catch((error: NodeJS.ErrnoException) => {
    throw Object.assign(new Error(`cannot write ${out}: ${error.message}`), { code: error.code });
  });
  try {
    await keep(handle);
    if ('text' in source) await handle.writeFile(source.text);
    else await pipeline(createReadStream(source.spoolPath), handle.createWriteStream({ autoClose: false }));
    await handle.sync();
    await handle.close();
    await rename(partial, destination);
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(partial, { force: true });
    throw error;
  }
  await syncDirectory(destination);
}

/** A spool file on the destination's filesystem is synced and renamed over it: no copy. False when apart. */
async function movedInto(
  spoolPath: string,
  destination: string,
  keep: (handle: FileHandle) => Promise<void>,
): Promise<boolean> {
  const handle = await open(spoolPath, 'r+');
  try {
    await keep(handle);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(spoolPath, destination);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EXDEV') return false;
    throw error;
  }
  await syncDirectory(destination);
  return true;
}

/**
 * The rename itself is on disk once the directory is synced. Best effort: the file is in place by now, and some
 * filesystems (FUSE, SMB) refuse a directory's fsync.
 */
async function syncDirectory(path: string) {
  const directory = await open(dirname(path), 'r').catch(() => null);
  if (!directory) return;
  await directory.sync().catch(() => {});
  await directory.close().catch(() => {});
}

/** Appended, not truncated: `/dev/stdout` redirected to a file (`>>`) reopens that very file. */
function writeThrough(destination: string, source: OutSource): Promise<void> {
  if ('text' in source) return writeFile(destination, source.text, { flag: 'a' });
  return pipeline(createReadStream(source.spoolPath), createWriteStream(destination, { flags: 'a' }));
}
