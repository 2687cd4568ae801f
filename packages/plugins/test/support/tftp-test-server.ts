/**
 * A small in-process TFTP server (RFC 1350 + 2347/2348/2349) with hooks for the faults real networks and
 * odd servers produce: dropped packets, rollover to block 1, refused or ignored options, a lying tsize.
 */
import { createSocket, type Socket } from 'node:dgram';
import { decodePacket, encodeData, encodeError, encodeOack, tftpErrorCode } from '../../src/transports/tftp-packet.js';

export interface TestTftpServerOptions {
  files: Record<string, Buffer>;
  /** Return true to drop this outgoing packet; `attempt` counts from 1 per block. */
  drop?(packet: { kind: 'data' | 'oack'; block: number; attempt: number }): boolean;
  /** The block number after 65535: 0 (common) or 1 (some servers). */
  wrapTo?: 0 | 1;
  /** 'ignore': behave like a plain RFC 1350 server; 'refuse': answer options with ERROR 8. */
  options?: 'negotiate' | 'ignore' | 'refuse';
  /** Announce this tsize instead of the real length. */
  claimedSize?: number;
  retransmitMs?: number;
}

export interface TestTftpServer {
  port: number;
  stats: { requests: number; dataSent: number; retransmits: number; errorsReceived: number };
  close(): Promise<void>;
}

function wireBlock(block: number, wrapTo: 0 | 1): number {
  if (block <= 0xffff) return block;
  return wrapTo === 0 ? block % 0x10000 : ((block - 1) % 0xffff) + 1;
}

export async function startTestTftpServer(options: TestTftpServerOptions): Promise<TestTftpServer> {
  const stats = { requests: 0, dataSent: 0, retransmits: 0, errorsReceived: 0 };
  // Each running transfer's stop function, so close() also cancels pending retransmit timers.
  const transfers = new Set<() => void>();
  const listener = createSocket('udp4');
  await new Promise<void>((resolve) => listener.bind(0, '127.0.0.1', resolve));

  listener.on('message', (message, client) => {
    const packet = decodePacket(message);
    if (packet.op !== 'rrq') return;
    stats.requests += 1;
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => serve(socket, client, packet.filename, packet.options));
  });

  function serve(
    socket: Socket,
    client: { address: string; port: number },
    name: string,
    asked: Record<string, string>,
  ) {
    const wrapTo = options.wrapTo ?? 0;
    const retransmitMs = options.retransmitMs ?? 50;
    let timer: NodeJS.Timeout | undefined;
    let attempt = 0;
    let current: { kind: 'data' | 'oack'; block: number; packet: Buffer } | null = null;

    let ended = false;
    function end(): void {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      transfers.delete(end);
      socket.close();
    }
    transfers.add(end);
    function transmit(): void {
      if (!current) return;
      attempt += 1;
      if (attempt > 1) stats.retransmits += 1;
      if (attempt > 20) {
        end();
        return;
      }
      if (!options.drop?.({ kind: current.kind, block: current.block, attempt })) {
        if (current.kind === 'data') stats.dataSent += 1;
        socket.send(current.packet, client.port, client.address);
      }
      timer = setTimeout(transmit, retransmitMs);
    }
    function sendNew(next: { kind: 'data' | 'oack'; block: number; packet: Buffer }): void {
      clearTimeout(timer);
      current = next;
      attempt = 0;
      transmit();
    }

    const content = options.files[name];
    if (!content) {
      socket.send(encodeError(tftpErrorCode.fileNotFound, 'File not found'), client.port, client.address, end);
      return;
    }
    const mode = options.options ?? 'negotiate';
    const hasOptions = Object.keys(asked).length > 0;
    if (mode === 'refuse' && hasOptions) {
      socket.send(encodeError(tftpErrorCode.optionRefused, 'options refused'), client.port, client.address, end);
      return;
    }
    let blockSize = 512;
    const offered: Record<string, string> = {};
    if (mode === 'negotiate') {
      if (asked.blksize) {
        blockSize = Math.min(Number(asked.blksize), 1468);
        offered.blksize = String(blockSize);
      }
      if (asked.tsize) offered.tsize = String(options.claimedSize ?? content.length);
    }
    const lastBlock = Math.floor(content.length / blockSize) + 1;
    function dataBlock(block: number) {
      const start = (block - 1) * blockSize;
      const data = content!.subarray(start, Math.min(start + blockSize, content!.length));
      return { kind: 'data' as const, block, packet: encodeData(wireBlock(block, wrapTo), data) };
    }

    socket.on('message', (message, from) => {
      if (from.port !== client.port) return;
      const reply = decodePacket(message);
      if (reply.op === 'error') {
        stats.errorsReceived += 1;
        return end();
      }
      if (reply.op !== 'ack' || !current) return;
      const expected = current.kind === 'oack' ? 0 : wireBlock(current.block, wrapTo);
      // Duplicate ACKs are ignored, never answered (the Sorcerer's Apprentice fix, RFC 1123 4.2.3.1).
      if (reply.block !== expected) return;
      const acked = current.kind === 'oack' ? 0 : current.block;
      if (acked === lastBlock) return end();
      sendNew(dataBlock(acked + 1));
    });

    if (Object.keys(offered).length > 0) sendNew({ kind: 'oack', block: 0, packet: encodeOack(offered) });
    else sendNew(dataBlock(1));
  }

  const address = listener.address();
  return {
    port: address.port,
    stats,
    async close() {
      for (const end of [...transfers]) end();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}
