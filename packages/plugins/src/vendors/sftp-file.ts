import type { BackupPlugin } from '../contract.js';
import { requiredOption } from '../runtime/plugin-options.js';
import { sftpDownload } from '../transports/sftp-download.js';

/** Pulls one file over SFTP: firmware images, exported archives, anything the device exposes as a path. */
export const sftpFilePlugin = {
  key: 'sftp_file',
  friendlyName: 'File over SFTP',
  description: 'Downloads one file from the device over SFTP (SSH password login) and stores it as a binary backup.',
  isBinary: true,
  transport: 'sftp',
  options: [
    { key: 'path', description: 'Remote path of the file to download, e.g. /flash/config.bin', required: true },
  ],
  async collect(ctx) {
    const path = requiredOption(ctx.target, 'path', 'sftp_file');
    return sftpDownload(ctx.target, path, ctx);
  },
} satisfies BackupPlugin;
