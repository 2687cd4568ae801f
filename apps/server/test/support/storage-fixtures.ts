/** Files, hashes and a tiny filesystem for storage tests: artefacts are streamed, never whole in memory. */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export const MiB = 1024 * 1024;
export const bigSize = 250 * 1000 * 1000;

/** Writes `size` random bytes in 1 MiB pieces and returns their sha256. */
export async function writeRandomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path, 'w', 0o644);
  try {
    for (let written = 0; written < size; ) {
      const piece = randomBytes(Math.min(MiB, size - written));
      hash.update(piece);
      await file.write(piece);
      written += piece.length;
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function sha256OfStream(
  stream: Readable | AsyncIterable<Uint8Array>,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

export function sha256OfFile(path: string) {
  return sha256OfStream(createReadStream(path, { highWaterMark: MiB }));
}

export async function streamToBuffer(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A spool file the store may consume (it moves spool files), copied from a kept original. */
export async function spoolCopy(dir: string, original: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${randomBytes(6).toString('hex')}.spool`);
  await copyFile(original, path);
  return path;
}

/** The artefacts every backend must round-trip byte for byte (the 250 MB one is made separately). */
export const smallArtefacts: { name: string; bytes: Buffer; isBinary: boolean }[] = [
  { name: '0 B', bytes: Buffer.alloc(0), isBinary: false },
  { name: '1 B', bytes: Buffer.from([0x00]), isBinary: true },
  {
    name: 'non-UTF-8',
    bytes: Buffer.from([0xff, 0xfe, 0x80, 0xc3, 0x28, 0x0a, 0xa0, 0xa1, 0xe2, 0x28, 0xa1]),
    isBinary: true,
  },
  { name: '1 MiB', bytes: randomBytes(MiB), isBinary: true },
  { name: 'text', bytes: Buffer.from('hostname r1\ninterface Gi0/1\n description uplink ✓\n'), isBinary: false },
];

/** Mounts a tmpfs of `size` at `dir` (needs root); null when this machine does not allow it. */
export function mountTinyFs(dir: string, size: string): { unmount(): Promise<void> } | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return {
    async unmount() {
      execFileSync('umount', [dir], { stdio: 'ignore' });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
