import type { BackupPlugin } from '../contract.js';
import { optionalIntegerOption, requiredOption } from '../runtime/plugin-options.js';
import { tftpDownload } from '../transports/tftp-client.js';

/** Pulls one file from the device's TFTP server. The device's port is used as the TFTP port (normally 69). */
export const tftpFilePlugin = {
  key: 'tftp_file',
  friendlyName: 'File over TFTP',
  description:
    "Downloads one file from the device's TFTP server (no login; set the device port to 69) and stores it as a binary backup.",
  isBinary: true,
  transport: 'tftp',
  options: [
    { key: 'path', description: 'File name on the TFTP server, e.g. startup-config.bin', required: true },
    {
      key: 'blksize',
      description: 'Block size to negotiate (8–65464); larger is faster on links without fragmentation trouble',
      required: false,
    },
  ],
  async collect(ctx) {
    const path = requiredOption(ctx.target, 'path', 'tftp_file');
    const blksize = optionalIntegerOption(ctx.target, 'blksize', 'tftp_file', { min: 8, max: 65464 });
    // Retransmit at most every second, and give up once the device has been silent for the idle timeout.
    const retransmitMs = Math.max(50, Math.min(1000, Math.floor(ctx.timeouts.idleMs / 5)));
    const maxRetries = Math.max(1, Math.ceil(ctx.timeouts.idleMs / retransmitMs) - 1);
    return tftpDownload({ host: ctx.target.host, port: ctx.target.port, path, blksize, retransmitMs, maxRetries }, ctx);
  },
} satisfies BackupPlugin;
