// Hand-written on purpose: no maintained npm TFTP client does RFC 2347–2349 option negotiation and streams to a spool file.
/**
 * TFTP read (RFC 1350) with option negotiation (RFC 2347), blksize (RFC 2348) and tsize (RFC 2349),
 * streamed into a spool file. Lock-step: one DATA block in flight, our ACK releases the next one.
 */
import { createSocket } from 'node:dgram';
import type { BinaryArtefact, CollectContext } from '../contract.js';
import { CollectError, isCollectError } from '../errors.js';
import { abortErrorFrom } from '../runtime/abort.js';
import { spoolStream } from '../runtime/spool.js';
import { type NetworkPolicy, resolveAllowedAddresses } from './network-policy.js';
import { decodePacket, encodeAck, encodeError, encodeRrq, tftpErrorCode } from './tftp-packet.js';
import { udpExchange } from './udp-exchange.js';

export interface TftpReadOptions {
  host: string;
  /** Usually 69. */
  port: number;
  path: string;
  /** Block size to negotiate (RFC 2348, 8–65464); omitted means the RFC 1350 default of 512. */
  blksize?: number;
  /** Silence after which the last packet is sent again. */
  retransmitMs: number;
  /** Retransmits of one packet before giving up with `timeout`. */
  maxRetries: number;
}

const defaultBlockSize = 512;
const maxBlockSize = 65464;
// Blocks are tiny at the default size; coalescing them keeps the spool writer doing large writes.
const coalesceBytes = 256 * 1024;

interface Peer {
  address: string;
  port: number;
}

interface TransferState {
  totalBytes?: number;
}

/** Downloads `options.path` into a new file in `ctx.spoolDir`; no file is left behind on failure. */
export async function tftpDownload(
  options: TftpReadOptions,
  ctx: Pick<CollectContext, 'spoolDir' | 'signal' | 'progress' | 'networkPolicy'>,
): Promise<BinaryArtefact> {
  validateBlockSize(options.blksize);
  const state: TransferState = {};
  // The size arrives in the OACK, after the spool has started, so progress reads it late.
  const progress = (event: Parameters<CollectContext['progress']>[0]) =>
    ctx.progress({ ...event, totalBytes: state.totalBytes });
  try {
    // The policy is checked before the spool file exists: a denied or unresolvable device leaves nothing behind,
    // and its reason is never masked by a spool error.
    const initial = await resolvePeer(options.host, options.port, ctx.networkPolicy);
    return await spoolStream(tftpBlocks(options, initial, ctx.signal, state), { ...ctx, progress });
  } catch (error) {
    if (isCollectError(error)) throw error;
    if (ctx.signal.aborted) throw abortErrorFrom(ctx.signal);
    throw new CollectError('plugin_error', `TFTP transfer failed: ${(error as Error).message}`, { cause: error });
  }
}

function validateBlockSize(blksize: number | undefined): void {
  if (blksize === undefined) return;
  if (!Number.isInteger(blksize) || blksize < 8 || blksize > maxBlockSize) {
    throw new CollectError('invalid_options', `blksize must be an integer from 8 to ${maxBlockSize}, got ${blksize}`);
  }
}

/** The first address of `host` once the network policy has allowed every one (no datagram otherwise). */
async function resolvePeer(
  host: string,
  port: number,
  policy: NetworkPolicy | undefined,
): Promise<Peer & { family: 4 | 6 }> {
  const [found] = await resolveAllowedAddresses(host, policy);
  if (!found) throw new CollectError('dns_failed', `${host} has no address`);
  return { address: found.address, port, family: found.family };
}

function requestedOptions(options: TftpReadOptions): Record<string, string> {
  const requested: Record<string, string> = { tsize: '0' };
  if (options.blksize !== undefined) requested.blksize = String(options.blksize);
  return requested;
}

async function* tftpBlocks(
  options: TftpReadOptions,
  initial: Peer & { family: 4 | 6 },
  signal: AbortSignal,
  state: TransferState,
): AsyncGenerator<Buffer> {
  const socket = createSocket(initial.family === 6 ? 'udp6' : 'udp4');
  const exchange = udpExchange(socket, signal);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, () => {
      socket.off('error', reject);
      resolve();
    });
  });

  let server: Peer | null = null;
  let finished = false;
  // What the server hears if we stop early, so it does not keep retransmitting into a closed port.
  let farewell = encodeError(tftpErrorCode.notDefined, 'transfer cancelled');
  try {
    let requested = requestedOptions(options);
    let lastSent = encodeRrq(options.path, requested);
    let blockSize = defaultBlockSize;
    // 16-bit block numbers: the one we wait for, and the one we last acknowledged (null before any data).
    let expected = 1;
    let previous: number | null = null;
    // RFC 1350 leaves the wrap after block 65535 open: most servers go to 0, some to 1.
    let wrapsToOne = false;
    let received = 0;
    let retries = 0;
    let staged: Buffer[] = [];
    let stagedBytes = 0;
    exchange.send(lastSent, initial.port, initial.address);

    for (;;) {
      const datagram = await exchange.next(options.retransmitMs);
      if (!datagram) {
        retries += 1;
        if (retries > options.maxRetries) {
          throw new CollectError(
            'timeout',
            `TFTP server ${options.host}:${options.port} did not answer after ${options.maxRetries} retransmits`,
          );
        }
        const to = server ?? initial;
        exchange.send(lastSent, to.port, to.address);
        continue;
      }

      const { message, from } = datagram;
      if (server && (from.port !== server.port || from.address !== server.address)) {
        // A stray or late sender: RFC 1350 says tell it, and carry on with our own transfer.
        exchange.send(encodeError(tftpErrorCode.unknownTransferId, 'Unknown transfer ID'), from.port, from.address);
        continue;
      }
      const packet = decodePacket(message);

      if (packet.op === 'error') {
        if (!server && packet.code === tftpErrorCode.optionRefused && Object.keys(requested).length > 0) {
          // Servers that refuse options outright still serve the file without them (RFC 2347).
          requested = {};
          lastSent = encodeRrq(options.path, requested);
          retries = 0;
          exchange.send(lastSent, initial.port, initial.address);
          continue;
        }
        finished = true; // the server has already ended the transfer; no ERROR back
        throw errorFromServer(packet.code, packet.message, options.path);
      }

      server ??= { address: from.address, port: from.port };

      if (packet.op === 'oack') {
        if (previous !== null) continue; // a late duplicate of an OACK whose ACK already got data flowing
        const negotiated = negotiate(packet.options, requested);
        if (typeof negotiated === 'string') {
          farewell = encodeError(tftpErrorCode.optionRefused, negotiated);
          throw new CollectError('plugin_error', `TFTP option negotiation failed: ${negotiated}`);
        }
        blockSize = negotiated.blockSize;
        state.totalBytes = negotiated.totalBytes;
        lastSent = encodeAck(0);
        retries = 0;
        exchange.send(lastSent, server.port, server.address);
        continue;
      }

      if (packet.op !== 'data') continue;

      const wrappedToOne = expected === 0 && packet.block === 1;
      if (packet.block !== expected && !wrappedToOne) {
        // Our ACK was lost and the server sent the block again: acknowledge it again.
        if (packet.block === previous) exchange.send(encodeAck(previous), server.port, server.address);
        continue;
      }
      if (wrappedToOne) wrapsToOne = true;

      if (packet.data.length > blockSize) {
        throw new CollectError(
          'plugin_error',
          `TFTP block ${packet.block} is larger than the ${blockSize}-byte block size`,
        );
      }
      lastSent = encodeAck(packet.block);
      retries = 0;
      exchange.send(lastSent, server.port, server.address);
      received += packet.data.length;
      if (packet.data.length > 0) {
        staged.push(packet.data);
        stagedBytes += packet.data.length;
      }

      const last = packet.data.length < blockSize;
      if (last && state.totalBytes !== undefined && received !== state.totalBytes) {
        finished = true;
        throw new CollectError(
          'transfer_truncated',
          `TFTP transfer of ${options.path} ended after ${received} of ${state.totalBytes} bytes`,
        );
      }
      if (last) finished = true;
      if (stagedBytes >= coalesceBytes || last) {
        const chunk = staged.length === 1 ? staged[0]! : Buffer.concat(staged, stagedBytes);
        staged = [];
        stagedBytes = 0;
        if (chunk.length > 0) yield chunk;
      }
      if (last) return;
      previous = packet.block;
      expected = packet.block === 65535 ? (wrapsToOne ? 1 : 0) : packet.block + 1;
    }
  } finally {
    await exchange.close(server && !finished ? { packet: farewell, ...server } : undefined);
  }
}

/** The negotiated parameters, or why the OACK is unacceptable. */
function negotiate(
  offered: Record<string, string>,
  requested: Record<string, string>,
): { blockSize: number; totalBytes?: number } | string {
  let blockSize = defaultBlockSize;
  let totalBytes: number | undefined;
  for (const [name, value] of Object.entries(offered)) {
    if (!(name in requested)) return `server acknowledged an option we did not request: ${name}`;
    const number = Number(value);
    if (name === 'blksize') {
      // A server may lower the block size but never raise it above our request (RFC 2348).
      if (!Number.isInteger(number) || number < 8 || number > Number(requested.blksize)) {
        return `unacceptable blksize ${value}`;
      }
      blockSize = number;
    }
    if (name === 'tsize') {
      if (!Number.isSafeInteger(number) || number < 0) return `unacceptable tsize ${value}`;
      totalBytes = number;
    }
  }
  return { blockSize, totalBytes };
}

function errorFromServer(code: number, message: string, path: string): CollectError {
  if (code === tftpErrorCode.fileNotFound) {
    return new CollectError('file_not_found', `TFTP server has no file ${path}: ${message || 'File not found'}`);
  }
  return new CollectError('plugin_error', `TFTP server error ${code}: ${message || 'no message'}`);
}
