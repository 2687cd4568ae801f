/**
 * Spool files: binaries stream from the device into a file in the spool dir while sha256 and size are
 * computed on the fly, so no artefact is ever whole in memory.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BinaryArtefact, CollectContext } from '../contract.js';

export function newSpoolPath(spoolDir: string, suffix = '.part'): string {
  return join(spoolDir, `${randomUUID()}${suffix}`);
}

/** Pipes `source` into a new spool file, hashing as it goes; removes the file if anything fails. */
export async function spoolStream(
  source: Readable | AsyncIterable<Uint8Array>,
  ctx: Pick<CollectContext, 'spoolDir' | 'signal' | 'progress'>,
  totalBytes?: number,
): Promise<BinaryArtefact> {
  const spoolPath = newSpoolPath(ctx.spoolDir);
  const hash = createHash('sha256');
  let size = 0;
  let lastReport = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      // Progress every 1 MiB keeps the MessagePort quiet on fast links.
      if (size - lastReport >= 1 << 20) {
        lastReport = size;
        ctx.progress({ bytes: size, totalBytes });
      }
      callback(null, chunk);
    },
  });
  try {
    // Made by what writes into it: the runner makes none up front, as a text from the pool is never spooled.
    await mkdir(ctx.spoolDir, { recursive: true });
    await pipeline(source, meter, createWriteStream(spoolPath, { flags: 'wx' }), { signal: ctx.signal });
  } catch (error) {
    await rm(spoolPath, { force: true });
    throw error;
  }
  ctx.progress({ bytes: size, totalBytes });
  return { kind: 'binary', spoolPath, sha256: hash.digest('hex'), size };
}
