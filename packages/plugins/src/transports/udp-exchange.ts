/**
 * A pull-style view of a UDP socket: `next(timeoutMs)` resolves with the next datagram or null on
 * timeout, so a lock-step protocol (TFTP) reads as a plain loop instead of nested callbacks.
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { CollectError } from '../errors.js';
import { abortErrorFrom } from '../runtime/abort.js';

export interface Datagram {
  message: Buffer;
  from: RemoteInfo;
}

export interface UdpExchange {
  next(timeoutMs: number): Promise<Datagram | null>;
  send(packet: Buffer, port: number, address: string): void;
  /** Sends a last packet (best effort) and closes the socket once it has left. */
  close(farewell?: { packet: Buffer; port: number; address: string }): Promise<void>;
}

export function udpExchange(socket: Socket, signal: AbortSignal): UdpExchange {
  const queue: Datagram[] = [];
  let waiter: ((datagram: Datagram | null) => void) | null = null;
  let fail: ((error: unknown) => void) | null = null;
  let failure: unknown = null;
  let closed = false;

  function settleFailure(error: unknown): void {
    failure ??= error;
    const reject = fail;
    waiter = null;
    fail = null;
    reject?.(failure);
  }

  function onAbort(): void {
    settleFailure(abortErrorFrom(signal));
  }

  socket.on('message', (message, from) => {
    const resolve = waiter;
    if (resolve) {
      waiter = null;
      fail = null;
      resolve({ message, from });
      return;
    }
    // Lock-step TFTP has at most a handful of datagrams outstanding; the bound only guards against a flood.
    if (queue.length < 64) queue.push({ message, from });
  });
  socket.on('error', (error) => settleFailure(new CollectError('plugin_error', `UDP socket error: ${error.message}`)));
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();

  return {
    next(timeoutMs) {
      if (failure) return Promise.reject(failure);
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise<Datagram | null>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = null;
          fail = null;
          resolve(null);
        }, timeoutMs);
        waiter = (datagram) => {
          clearTimeout(timer);
          resolve(datagram);
        };
        fail = (error) => {
          clearTimeout(timer);
          reject(error);
        };
      });
    },
    send(packet, port, address) {
      if (closed) return;
      socket.send(packet, port, address, (error) => {
        if (error) settleFailure(new CollectError('plugin_error', `UDP send failed: ${error.message}`));
      });
    },
    close(farewell) {
      signal.removeEventListener('abort', onAbort);
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise<void>((resolve) => {
        function done(): void {
          socket.close(() => resolve());
        }
        if (!farewell) return done();
        socket.send(farewell.packet, farewell.port, farewell.address, done);
      });
    },
  };
}
