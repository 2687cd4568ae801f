/**
 * The TCP sockets this process holds open to a given remote port: its socket file descriptors
 * (/proc/self/fd → `socket:[inode]`) matched against the kernel's connection tables. Sockets the process has
 * closed (FIN-WAIT, TIME-WAIT) have no descriptor and are not counted; a half-closed one (CLOSE-WAIT) is.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';

export interface OpenSocket {
  local: string;
  remote: string;
  /** The kernel's TCP state, e.g. `01` ESTABLISHED, `08` CLOSE_WAIT. */
  state: string;
}

export async function openSocketsTo(remotePort: number): Promise<OpenSocket[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir('/proc/self/fd')) {
    const link = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(link);
    if (match?.[1]) inodes.add(match[1]);
  }
  const open: OpenSocket[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [, local = '', remote = '', state = ''] = fields;
      const inode = fields[9] ?? '';
      if (!inodes.has(inode)) continue;
      if (Number.parseInt(remote.split(':')[1] ?? '', 16) !== remotePort) continue;
      open.push({ local, remote, state });
    }
  }
  return open;
}
