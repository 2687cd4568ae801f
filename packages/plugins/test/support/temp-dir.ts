import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory other local users can read (tftpd-hpa drops to `nobody`; sshd reads key files). */
export async function makeTempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `devicevault-${prefix}-`));
  await chmod(path, 0o755);
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export async function listFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}
