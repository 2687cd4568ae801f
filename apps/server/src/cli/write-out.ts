/**
 * `--out FILE`: a collected config or binary lands whole or not at all. It is written beside the destination
 * and renamed over it, so a full disk or a dropped copy never leaves half a config where the last good one was.
 * The destination keeps its mode (a new one is private: an unscrubbed config holds secrets), a symlink keeps
 * pointing where it did, and a device or pipe (`/dev/stdout`, a FIFO) is written through as a shell would.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, open, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

export type OutSource = { text: string } | { spoolPath: string };

// Configs hold secrets unless scrubbed: a new file is the user's alone.
const newFileMode = 0o600;

export async function writeOut(out: string, source: OutSource): Promise<void> {
  // Through a symlink to the file it names (a dangling one is replaced, as `>` would create its target).
  const destination = await realpath(out).catch(() => out);
  const existing = await stat(destination).catch(() => null);
  if (existing && !existing.isFile()) return writeThrough(destination, source);
  const mode = existing ? existing.mode & 0o7777 : newFileMode;
  if ('spoolPath' in source && (await movedInto(source.spoolPath, destination, mode))) return;

  const partial = `${destination}.${randomBytes(6).toString('hex')}.part`;
  const handle = await open(partial, 'wx', mode);
  try {
    // open's mode passes through the umask; the destination's own mode is what it should keep.
    await handle.chmod(mode);
    if ('text' in source) await handle.writeFile(source.text);
    else await pipeline(createReadStream(source.spoolPath), handle.createWriteStream({ autoClose: false }));
    // On disk before it takes the destination's name: a crash then leaves the old file or the new one.
    await handle.sync();
    await handle.close();
    await rename(partial, destination);
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(partial, { force: true });
    throw error;
  }
}

/** A spool file on the destination's filesystem is renamed over it: no copy. False when they are apart. */
async function movedInto(spoolPath: string, destination: string, mode: number): Promise<boolean> {
  await chmod(spoolPath, mode);
  try {
    await rename(spoolPath, destination);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EXDEV') return false;
    throw error;
  }
}

function writeThrough(destination: string, source: OutSource): Promise<void> {
  if ('text' in source) return writeFile(destination, source.text);
  return pipeline(createReadStream(source.spoolPath), createWriteStream(destination));
}
