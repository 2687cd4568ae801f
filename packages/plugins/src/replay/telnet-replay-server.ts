/**
 * A real TELNET server on 127.0.0.1 that plays back one recorded device session, so plugins are tested
 * over TCP with option negotiation, IAC escaping and NVT line ends the way a legacy box speaks them. It
 * asks for a username and password like an IOS line with `login local`, then plays the same shell as the
 * SSH replay server (the recording's answers, byte for byte, and the same fault modes).
 */
import { createServer, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import {
  createTelnetDecoder,
  encodeTelnetData,
  telnetCommand,
  telnetOption,
  telnetSubnegotiation,
} from '../transports/telnet-protocol.js';
import type { Recording } from './load-recording.js';
import { playShell, type ReplayChannel, type ReplayFault, type ReplayServer } from './replay-server.js';

export interface TelnetReplayServerOptions {
  username: string;
  password: string;
  /** The SSH replay server's faults, plus `silent`: accept the TCP connection and never say anything. */
  fault?: ReplayFault | 'silent';
  host?: string;
  dripIntervalMs?: number;
  pagerLines?: number;
  /** What the device prints to ask; IOS's by default. */
  usernamePrompt?: string;
  passwordPrompt?: string;
  /** Printed after a wrong password, before asking again (IOS: `% Login invalid`). */
  loginFailure?: string;
  /** Wrong logins before the device hangs up. */
  maxAttempts?: number;
}

export interface TelnetReplayServer extends Omit<ReplayServer, 'ptyRequests'> {
  /** What the client sent for the options it was asked about, e.g. `{ TTYPE: 'VT100', NAWS: '80x24' }`. */
  negotiated: Record<string, string>;
}

export async function startTelnetReplayServer(
  recording: Recording,
  options: TelnetReplayServerOptions,
): Promise<TelnetReplayServer> {
  const host = options.host ?? '127.0.0.1';
  const negotiated: Record<string, string> = {};
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client that vanishes mid-session must not take the process down.
    socket.on('error', () => {});
    if (options.fault === 'silent') return;
    serveConnection(socket, recording, options, negotiated);
  });
  server.on('error', () => {});

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

  if (options.fault === 'refuse') {
    // Nothing listens: release the port we were given.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return { port, hostKeyFingerprint: '', negotiated, close: async () => {} };
  }

  return {
    port,
    hostKeyFingerprint: '',
    negotiated,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function serveConnection(
  socket: Socket,
  recording: Recording,
  options: TelnetReplayServerOptions,
  negotiated: Record<string, string>,
): void {
  const channel = telnetChannel(socket, negotiated);
  const usernamePrompt = options.usernamePrompt ?? 'Username: ';
  const passwordPrompt = options.passwordPrompt ?? 'Password: ';
  const maxAttempts = options.maxAttempts ?? 3;
  let attempts = 0;
  let stage: 'username' | 'password' | 'shell' = 'username';
  let typed = '';
  let username = '';

  // What an IOS vty offers: it echoes and suppresses go-ahead, and wants the window size and terminal type.
  socket.write(
    Buffer.concat([
      telnetCommand('WILL', telnetOption.ECHO),
      telnetCommand('WILL', telnetOption.SGA),
      telnetCommand('DO', telnetOption.NAWS),
      telnetCommand('DO', telnetOption.TTYPE),
    ]),
  );
  channel.write(`\r\n\r\nUser Access Verification\r\n\r\n${usernamePrompt}`);

  function onLoginData(data: Buffer): void {
    for (const char of data.toString('utf8')) {
      if (stage === 'shell') return;
      if (char !== '\n') {
        typed += char;
        // The server echoes (it said WILL ECHO), but never the password.
        if (stage === 'username') channel.write(char);
        continue;
      }
      const line = typed;
      typed = '';
      channel.write('\r\n');
      if (stage === 'username') {
        username = line;
        stage = 'password';
        channel.write(passwordPrompt);
        continue;
      }
      if (username === options.username && line === options.password) {
        stage = 'shell';
        channel.off('data', onLoginData);
        if (options.fault === 'hang_after_auth') return;
        playShell(channel, withTelnetLineEnds(recording), { ...options, fault: shellFault(options.fault) });
        return;
      }
      attempts += 1;
      channel.write(options.loginFailure ?? '% Login invalid\r\n\r\n');
      if (attempts >= maxAttempts) {
        channel.close();
        return;
      }
      stage = 'username';
      channel.write(usernamePrompt);
    }
  }
  channel.on('data', onLoginData);
}

/** The recording with its typed line ends as this server reads them (see `telnetChannel`). */
function withTelnetLineEnds(recording: Recording): Recording {
  const exchanges = recording.exchanges.map((exchange) => ({
    ...exchange,
    input: exchange.input.replace(/\r\n?/g, '\n'),
  }));
  return { ...recording, exchanges };
}

function shellFault(fault: TelnetReplayServerOptions['fault']): ReplayFault | undefined {
  return fault === 'silent' || fault === 'refuse' ? undefined : fault;
}

/**
 * The socket as a replay channel: what the client typed with TELNET commands removed and line ends made
 * `\n` (CR LF and CR NUL both mean Enter on a terminal), and answers sent with IAC escaped and bare CRs as
 * CR NUL. Recorded inputs are compared with the same line-end rule (see `playShell`'s matching).
 */
function telnetChannel(socket: Socket, negotiated: Record<string, string>): ReplayChannel & Duplex {
  let afterCr = false;
  const channel = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      if (socket.destroyed) {
        callback();
        return;
      }
      if (!socket.write(encodeTelnetData(chunk, { crlf: false }))) socket.once('drain', () => callback());
      else callback();
    },
    destroy(_error, callback) {
      socket.destroy();
      callback(null);
    },
  }) as Duplex & ReplayChannel;
  channel.close = () => {
    socket.end();
  };

  const decode = createTelnetDecoder({
    data(bytes) {
      let text = '';
      for (const char of bytes.toString('latin1')) {
        if (char === '\n' && afterCr) {
          afterCr = false;
          continue;
        }
        afterCr = char === '\r';
        text += char === '\r' ? '\n' : char;
      }
      if (text && !channel.destroyed) channel.push(Buffer.from(text, 'latin1'));
    },
    command(verb, option) {
      if (verb === 'WILL' && option === telnetOption.TTYPE) {
        socket.write(telnetSubnegotiation(telnetOption.TTYPE, Buffer.from([1])));
      }
    },
    subnegotiation(option, payload) {
      if (option === telnetOption.TTYPE && payload[0] === 0) negotiated.TTYPE = payload.subarray(1).toString('ascii');
      if (option === telnetOption.NAWS && payload.length >= 4) {
        negotiated.NAWS = `${payload.readUInt16BE(0)}x${payload.readUInt16BE(2)}`;
      }
    },
  });
  socket.on('data', decode);
  socket.on('close', () => channel.destroy());
  return channel;
}
