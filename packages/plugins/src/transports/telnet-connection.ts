/**
 * Opens a TELNET connection to a device (plaintext: for legacy boxes that have no SSH, opt-in per device) and
 * turns every way that can fail into a classified CollectError, with the same timeouts and abort as SSH.
 * Options are negotiated the way a terminal would: the device may echo and suppress go-ahead, we tell it a
 * terminal's type and size (the pty the SSH shell asks for) and refuse everything else (RFC 854/855, 1073, 1091).
 */
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { CollectContext, DeviceTarget } from '../contract.js';
import { CollectError } from '../errors.js';
import { abortErrorFrom } from '../runtime/abort.js';
import { classifySocketError, connectToCheckedAddresses } from './checked-tcp.js';
import { resolveAllowedAddresses } from './network-policy.js';
import {
  createTelnetDecoder,
  encodeTelnetData,
  type TelnetVerb,
  telnetCommand,
  telnetOption,
  telnetSubnegotiation,
} from './telnet-protocol.js';
import { type Terminal, terminalOf } from './terminal.js';

export interface TelnetConnection {
  /** The session's data once options are stripped: what the device prints, and what we type (NVT-encoded). */
  stream: Duplex;
  close(): void;
}

type ConnectContext = Pick<CollectContext, 'signal' | 'timeouts' | 'networkPolicy'>;

/**
 * `terminal` is the one the SSH shell would ask for (the plugin's, else Oxidized's), so a device formats its
 * output the same over either transport.
 */
export async function connectTelnet(
  target: DeviceTarget,
  port: number,
  ctx: ConnectContext,
  terminal: Terminal = terminalOf(),
): Promise<TelnetConnection> {
  if (ctx.signal.aborted) throw abortErrorFrom(ctx.signal);
  const where = `${target.host}:${port}`;
  // The network policy is checked on the resolved addresses, and only those are connected to.
  const addresses = await resolveAllowedAddresses(target.host, ctx.networkPolicy);
  if (ctx.signal.aborted) throw abortErrorFrom(ctx.signal);

  const socket = connectToCheckedAddresses(target.host, port, addresses);
  // Errors after connecting reach the reader as a close; without a listener one would crash the worker.
  socket.on('error', () => {});

  await new Promise<void>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      finish(
        new CollectError('timeout', `${where} did not accept a TCP connection within ${ctx.timeouts.connectMs} ms`),
      );
    }, ctx.timeouts.connectMs);
    function onAbort(): void {
      finish(abortErrorFrom(ctx.signal));
    }
    function onError(error: NodeJS.ErrnoException): void {
      finish(classifySocketError(error, target.host, where, 'TELNET'));
    }
    function finish(error: CollectError | null): void {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off('connect', onConnect);
      if (!error) {
        resolvePromise();
        return;
      }
      socket.destroy();
      reject(error);
    }
    function onConnect(): void {
      finish(null);
    }
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once('connect', onConnect);
  });

  const stream = telnetStream(socket, terminal);
  // After connecting, an abort must still free the socket even if a wait above it never settles.
  const destroyOnAbort = () => socket.destroy();
  ctx.signal.addEventListener('abort', destroyOnAbort, { once: true });
  return {
    stream,
    close() {
      ctx.signal.removeEventListener('abort', destroyOnAbort);
      socket.end();
      // A hung peer may never acknowledge the close; don't keep its socket around.
      setTimeout(() => socket.destroy(), 1_000).unref();
    },
  };
}

/** The device's bytes with TELNET commands answered and removed; what is written goes out NVT-encoded. */
function telnetStream(socket: Socket, terminal: Terminal): Duplex {
  // Options in effect: `local` ones we perform (WILL), `remote` ones the device performs (its WILL).
  const local = new Set<number>();
  const remote = new Set<number>();
  const weOffer = new Set<number>([telnetOption.SGA, telnetOption.TTYPE, telnetOption.NAWS]);
  const weAccept = new Set<number>([telnetOption.ECHO, telnetOption.SGA]);

  function reply(verb: TelnetVerb, option: number): void {
    if (!socket.destroyed) socket.write(telnetCommand(verb, option));
  }

  function sendWindowSize(): void {
    const size = Buffer.alloc(4);
    size.writeUInt16BE(terminal.columns, 0);
    size.writeUInt16BE(terminal.rows, 2);
    if (!socket.destroyed) socket.write(telnetSubnegotiation(telnetOption.NAWS, size));
  }

  // Answer only changes of state (RFC 854: a request for the mode already in force is not acknowledged),
  // which is also what keeps two parties from looping.
  function onCommand(verb: TelnetVerb, option: number): void {
    if (verb === 'DO') {
      if (local.has(option)) return;
      if (!weOffer.has(option)) {
        reply('WONT', option);
        return;
      }
      local.add(option);
      reply('WILL', option);
      if (option === telnetOption.NAWS) sendWindowSize();
      return;
    }
    if (verb === 'DONT') {
      if (local.delete(option)) reply('WONT', option);
      return;
    }
    if (verb === 'WILL') {
      if (remote.has(option)) return;
      if (!weAccept.has(option)) {
        reply('DONT', option);
        return;
      }
      remote.add(option);
      reply('DO', option);
      return;
    }
    if (remote.delete(option)) reply('DONT', option);
  }

  function onSubnegotiation(option: number, payload: Buffer): void {
    // TTYPE SEND (1) asks for our terminal type: IS (0) "VT100" (RFC 1091 names are upper case).
    if (option === telnetOption.TTYPE && payload[0] === 1 && local.has(option)) {
      const answer = Buffer.concat([Buffer.from([0]), Buffer.from(terminal.type.toUpperCase(), 'ascii')]);
      if (!socket.destroyed) socket.write(telnetSubnegotiation(option, answer));
    }
  }

  const stream = new Duplex({
    // Data is pushed as it arrives; the reader applies its own byte cap.
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      if (socket.destroyed) {
        callback();
        return;
      }
      socket.write(encodeTelnetData(chunk, { crlf: true }), () => callback());
    },
    final(callback) {
      socket.end();
      callback();
    },
    destroy(_error, callback) {
      socket.destroy();
      // Never surface an 'error' event: readers learn of the end from 'close', as with an SSH channel.
      callback(null);
    },
  });

  const decode = createTelnetDecoder({
    data(bytes) {
      if (!stream.destroyed) stream.push(bytes);
    },
    command: onCommand,
    subnegotiation: onSubnegotiation,
  });
  socket.on('data', decode);
  socket.on('close', () => stream.destroy());
  return stream;
}
