/**
 * SFTP download into a spool file. Many read requests stay in flight at once (one at a time would make
 * throughput a function of round-trip time), answers are put back in file order, and sha256 is computed
 * as the bytes go to disk. Memory is bounded by `concurrency × chunkSize`.
 */
import type { SFTPWrapper, Client as SshClient } from 'ssh2';
import type { BinaryArtefact, CollectContext, DeviceTarget } from '../contract.js';
import { CollectError, isCollectError } from '../errors.js';
import { abortErrorFrom } from '../runtime/abort.js';
import { spoolStream } from '../runtime/spool.js';
import { connectSsh } from './ssh-connection.js';

export interface SftpDownloadOptions {
  /** Bytes asked for per read request; capped at what the server accepts in one request. */
  chunkSize?: number;
  /** Read requests in flight at once. */
  concurrency?: number;
}

type DownloadContext = Pick<CollectContext, 'spoolDir' | 'signal' | 'progress' | 'timeouts' | 'networkPolicy'>;

// About 4 MiB of reads in flight: enough to fill a fast link (OpenSSH's own client keeps 64 × 32 KiB), small
// enough for many parallel jobs. Large requests cost less per byte, so ask for as much as the server allows.
const inFlightBytes = 4 * 1024 * 1024;
const defaultChunkSize = 256 * 1024;
const maxConcurrency = 64;
// ssh2 splits a read larger than the server's per-request limit into sequential requests, which would undo
// the pipelining; it learns the limit from OpenSSH's limits@openssh.com and otherwise assumes this much.
const conservativeReadLimit = 34000 - 2048;
const sftpStatus = { eof: 1, noSuchFile: 2 } as const;

type SftpError = Error & { code?: number | string };

/** Connects, downloads `remotePath` over SFTP and disconnects: the whole job of a plain file pull. */
export async function sftpDownload(
  target: DeviceTarget,
  remotePath: string,
  ctx: DownloadContext,
  options: SftpDownloadOptions = {},
): Promise<BinaryArtefact> {
  const connection = await connectSsh(target, ctx);
  try {
    const sftp = await openSftp(connection.client, ctx);
    const artefact = await downloadSftpFile(sftp, remotePath, ctx, options);
    return { ...artefact, hostKeyFingerprint: connection.hostKeyFingerprint };
  } finally {
    await connection.close();
  }
}

/** Starts the SFTP subsystem on an authenticated connection. */
export function openSftp(client: SshClient, ctx: Pick<CollectContext, 'signal' | 'timeouts'>): Promise<SFTPWrapper> {
  if (ctx.signal.aborted) return Promise.reject(abortErrorFrom(ctx.signal));
  return new Promise<SFTPWrapper>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new CollectError('timeout', `the SFTP subsystem did not start within ${ctx.timeouts.idleMs} ms`)),
      ctx.timeouts.idleMs,
    );
    client.sftp((error, sftp) => {
      clearTimeout(timer);
      if (error) {
        reject(new CollectError('plugin_error', `the device refused the SFTP subsystem: ${error.message}`));
        return;
      }
      resolve(sftp);
    });
  });
}

/** Downloads one remote file over an open SFTP session into a new file in `ctx.spoolDir`. */
export async function downloadSftpFile(
  sftp: SFTPWrapper,
  remotePath: string,
  ctx: DownloadContext,
  options: SftpDownloadOptions = {},
): Promise<BinaryArtefact> {
  const handle = await sftpCall<Buffer>(ctx, (done) => sftp.open(remotePath, 'r', done)).catch((error: unknown) => {
    throw classifyOpenError(error, remotePath);
  });
  try {
    const stats = await sftpCall<{ size?: number }>(ctx, (done) => sftp.fstat(handle, done)).catch(() => null);
    // Some embedded servers report no size; then the download simply runs to end of file.
    const size = typeof stats?.size === 'number' ? stats.size : undefined;
    const chunkSize = Math.min(options.chunkSize ?? defaultChunkSize, readLimitOf(sftp));
    const concurrency = options.concurrency ?? Math.min(maxConcurrency, Math.ceil(inFlightBytes / chunkSize));
    const chunks = readInOrder(sftp, handle, remotePath, size, ctx, { concurrency, chunkSize });
    return await spoolStream(chunks, ctx, size);
  } catch (error) {
    if (isCollectError(error)) throw error;
    if (ctx.signal.aborted) throw abortErrorFrom(ctx.signal);
    throw new CollectError('plugin_error', `SFTP download of ${remotePath} failed: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    // Best effort: after a dropped connection there is nobody to close the handle on.
    sftp.close(handle, () => {});
  }
}

function readLimitOf(sftp: SFTPWrapper): number {
  const limit = (sftp as unknown as { _maxReadLen?: unknown })._maxReadLen;
  return typeof limit === 'number' && limit > 0 ? limit : conservativeReadLimit;
}

function sftpCall<T>(
  ctx: Pick<CollectContext, 'signal' | 'timeouts'>,
  start: (done: (error: Error | null | undefined, value: T) => void) => void,
): Promise<T> {
  if (ctx.signal.aborted) return Promise.reject(abortErrorFrom(ctx.signal));
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new CollectError('timeout', `the SFTP server did not answer within ${ctx.timeouts.idleMs} ms`)),
      ctx.timeouts.idleMs,
    );
    start((error, value) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value);
    });
  });
}

function classifyOpenError(error: unknown, remotePath: string): CollectError {
  if (isCollectError(error)) return error;
  const { code, message } = error as SftpError;
  if (code === sftpStatus.noSuchFile) {
    return new CollectError('file_not_found', `no such file on the device: ${remotePath}`, { cause: error });
  }
  return new CollectError('plugin_error', `cannot open ${remotePath} over SFTP: ${message}`, { cause: error });
}

/**
 * Yields the file's bytes in order while keeping up to `concurrency` reads in flight. A short read (allowed
 * by the protocol) is followed by a read for the rest; an early end of file is a truncated transfer.
 */
async function* readInOrder(
  sftp: SFTPWrapper,
  handle: Buffer,
  remotePath: string,
  size: number | undefined,
  ctx: Pick<CollectContext, 'signal' | 'timeouts'>,
  limits: { concurrency: number; chunkSize: number },
): AsyncGenerator<Buffer> {
  const end = size ?? Number.POSITIVE_INFINITY;
  const arrived = new Map<number, Buffer>();
  let nextRequest = 0;
  let nextYield = 0;
  let inFlight = 0;
  let endOfFile = Number.POSITIVE_INFINITY;
  let failure: unknown = null;
  let wake: (() => void) | null = null;

  function notify(): void {
    const resume = wake;
    wake = null;
    resume?.();
  }

  function request(offset: number, length: number): void {
    inFlight += 1;
    const buffer = Buffer.allocUnsafe(length);
    sftp.read(handle, buffer, 0, length, offset, (error, bytesRead) => {
      inFlight -= 1;
      if (error) failure ??= error;
      else if (bytesRead === 0) endOfFile = Math.min(endOfFile, offset);
      else {
        arrived.set(offset, bytesRead === length ? buffer : buffer.subarray(0, bytesRead));
        if (bytesRead < length) request(offset + bytesRead, length - bytesRead);
      }
      notify();
    });
  }

  function fill(): void {
    while (!failure && inFlight + arrived.size < limits.concurrency && nextRequest < Math.min(end, endOfFile)) {
      const length = Math.min(limits.chunkSize, end - nextRequest);
      request(nextRequest, length);
      nextRequest += length;
    }
  }

  function waitForReads(): Promise<void> {
    if (ctx.signal.aborted) return Promise.reject(abortErrorFrom(ctx.signal));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        wake = null;
        ctx.signal.removeEventListener('abort', onAbort);
        reject(
          new CollectError('timeout', `SFTP reads of ${remotePath} went unanswered for ${ctx.timeouts.idleMs} ms`),
        );
      }, ctx.timeouts.idleMs);
      function onAbort(): void {
        clearTimeout(timer);
        wake = null;
        reject(abortErrorFrom(ctx.signal));
      }
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      wake = () => {
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', onAbort);
        resolve();
      };
    });
  }

  fill();
  for (;;) {
    if (failure) throw classifyReadError(failure, remotePath, nextYield, size);
    const chunk = arrived.get(nextYield);
    if (chunk) {
      arrived.delete(nextYield);
      nextYield += chunk.length;
      fill();
      yield chunk;
      continue;
    }
    if (nextYield >= end) return;
    if (nextYield >= endOfFile) {
      if (size === undefined) return;
      throw new CollectError(
        'transfer_truncated',
        `${remotePath} ended after ${nextYield} of the ${size} bytes the server announced`,
      );
    }
    await waitForReads();
  }
}

function classifyReadError(
  error: unknown,
  remotePath: string,
  received: number,
  size: number | undefined,
): CollectError {
  if (isCollectError(error)) return error;
  const { code, message } = error as SftpError;
  if (typeof code === 'number') {
    return new CollectError('plugin_error', `reading ${remotePath} over SFTP failed: ${message}`, { cause: error });
  }
  // The channel or connection went away mid-file (ssh2 fails pending reads with "No response from server").
  const of = size === undefined ? '' : ` of ${size}`;
  return new CollectError('transfer_truncated', `${remotePath} was cut off after ${received}${of} bytes: ${message}`, {
    cause: error,
  });
}
