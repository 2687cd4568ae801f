/**
 * `--out FILE`: a collected config or binary lands whole or not at all. It is written beside the destination,
 * synced, and renamed over it (replace-file.ts), so a full disk, a dropped copy or a crash never leaves half a config where the
 * last good one was. The destination keeps its mode and owner (a new one is private: an unscrubbed config holds
 * secrets), a symlink keeps pointing where it did, and a device, pipe or `/dev/stdout` is written through as a
 * shell redirection would.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, type FileHandle, realpath, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { moveOrCopy, replaceFile } from '../storage/replace-file.js';

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
  // Beside the destination, so the rename stays on its filesystem (a spool file on it is moved there, not copied).
  const partial = `${destination}.${randomBytes(6).toString('hex')}.part`;
  const fill = (path: string) =>
    fillPartial(path, source, mode).catch((error: NodeJS.ErrnoException) => {
      throw Object.assign(new Error(`cannot write ${out}: ${error.message}`), { code: error.code });
    });
  await replaceFile(destination, partial, fill, { check: keep, directorySync: 'best effort' });
}

/** The partial file is never readable by more than the destination will be, not even before `keep` runs. */
async function fillPartial(path: string, source: OutSource, mode: number): Promise<void> {
  if ('text' in source) return writeFile(path, source.text, { flag: 'wx', mode });
  await chmod(source.spoolPath, mode);
  await moveOrCopy(source.spoolPath, path, mode);
}

/** Appended, not truncated: `/dev/stdout` redirected to a file (`>>`) reopens that very file. */
function writeThrough(destination: string, source: OutSource): Promise<void> {
  if ('text' in source) return writeFile(destination, source.text, { flag: 'a' });
  return pipeline(createReadStream(source.spoolPath), createWriteStream(destination, { flags: 'a' }));
}
