import { randomUUID } from 'node:crypto';
import type { BackupPlugin, CollectContext } from '../contract.js';
import { CollectError } from '../errors.js';
import { downloadSftpFile, openSftp } from '../transports/sftp-download.js';
import { connectSsh } from '../transports/ssh-connection.js';
import { execCommand } from '../transports/ssh-exec.js';

// RouterOS prints these instead of failing the exec channel when a command goes wrong.
const routerOsFailure = /^(failure:|error|bad command|syntax error|expected end of command)/im;
// Removing the file after a cancelled or failed download still deserves a few seconds.
const cleanupMs = 10_000;

/**
 * A full RouterOS `.backup` (binary, restorable with `/system backup load`): saved on the router under a
 * unique name, pulled over SFTP, then removed from the router's flash whether or not the pull worked.
 */
export const mikrotikRouterOsBinaryPlugin = {
  key: 'mikrotik_routeros_binary',
  friendlyName: 'MikroTik RouterOS binary backup',
  description:
    'Runs /system backup save on the router, downloads the .backup file over SFTP and deletes it from the router.',
  isBinary: true,
  transport: 'sftp',
  options: [],
  async collect(ctx) {
    const connection = await connectSsh(ctx.target, ctx);
    try {
      const name = `devicevault-${randomUUID().slice(0, 8)}`;
      const file = `${name}.backup`;
      // RouterOS 7 encrypts backups with the user's password unless told not to; the file must restore anywhere.
      const saved = await execCommand(connection.client, `/system backup save name=${name} dont-encrypt=yes`, ctx);
      if (routerOsFailure.test(saved)) {
        throw new CollectError('plugin_error', `the router refused to save a backup: ${saved.trim()}`);
      }
      try {
        ctx.progress({ message: `saved ${file} on the router; downloading` });
        const sftp = await openSftp(connection.client, ctx);
        const artefact = await downloadSftpFile(sftp, file, ctx);
        return { ...artefact, hostKeyFingerprint: connection.hostKeyFingerprint };
      } finally {
        await removeFromRouter(connection.client, file, ctx);
      }
    } finally {
      await connection.close();
    }
  },
} satisfies BackupPlugin;

/** Best effort: a leftover file only costs flash space, so a failed removal is logged, not fatal. */
async function removeFromRouter(
  client: Parameters<typeof execCommand>[0],
  file: string,
  ctx: CollectContext,
): Promise<void> {
  // The job's own signal may be what ended the download; cleanup gets its own short deadline.
  const signal = AbortSignal.timeout(cleanupMs);
  try {
    const output = await execCommand(client, `/file remove ${file}`, {
      signal,
      timeouts: { ...ctx.timeouts, idleMs: Math.min(ctx.timeouts.idleMs, cleanupMs) },
      maxTextBytes: ctx.maxTextBytes,
    });
    if (routerOsFailure.test(output)) throw new Error(output.trim());
  } catch (error) {
    ctx.progress({ message: `could not remove ${file} from the router: ${(error as Error).message}` });
  }
}
