/**
 * A 32-byte key from configuration (64 hex characters or base64), else from a key file in the data dir,
 * created 0600 on first start. Several processes starting at once end up with the same key: `wx` fails
 * for all but the first writer, and the others read its file.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function loadOrCreateKey(
  configured: string | undefined,
  dataDir: string,
  fileName: string,
): Promise<Buffer> {
  if (configured) return Buffer.from(configured, /^[0-9a-fA-F]{64}$/.test(configured) ? 'hex' : 'base64');
  const keyFile = join(dataDir, fileName);
  try {
    return await readKey(keyFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  try {
    await writeFile(keyFile, key.toString('base64'), { mode: 0o600, flag: 'wx' });
    return key;
  } catch {
    return readKey(keyFile);
  }
}

async function readKey(keyFile: string): Promise<Buffer> {
  return Buffer.from((await readFile(keyFile, 'utf8')).trim(), 'base64');
}
