import { Readable } from 'node:stream';
import type { BackupPlugin } from '../contract.js';
import { spoolStream } from '../runtime/spool.js';

export const binaryDummySize = 1024 * 1024;
const header = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('FIRMWARE_HEADER_DEMO', 'ascii')]);

/** The deterministic 1 MiB demo image: `FF FE`, `FIRMWARE_HEADER_DEMO`, then zeros. */
export function* binaryDummyChunks(): Generator<Buffer> {
  yield header;
  const zeros = Buffer.alloc(64 * 1024);
  let remaining = binaryDummySize - header.length;
  while (remaining > 0) {
    const length = Math.min(remaining, zeros.length);
    yield zeros.subarray(0, length);
    remaining -= length;
  }
}

export const binaryDummyPlugin = {
  key: 'binary_dummy',
  friendlyName: 'Binary demo image',
  description: 'Produces a deterministic 1 MiB binary image without contacting the device. For testing binary backups.',
  isBinary: true,
  transport: 'none',
  options: [],
  async collect(ctx) {
    return spoolStream(Readable.from(binaryDummyChunks()), ctx, binaryDummySize);
  },
} satisfies BackupPlugin;
