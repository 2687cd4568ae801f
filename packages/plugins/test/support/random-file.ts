import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Writes `size` random bytes in 1 MiB pieces (never whole in memory) and returns their sha256. */
export async function writeRandomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path, 'w', 0o644);
  try {
    for (let written = 0; written < size; ) {
      const piece = randomBytes(Math.min(1 << 20, size - written));
      hash.update(piece);
      await file.write(piece);
      written += piece.length;
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}
