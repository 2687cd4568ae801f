/**
 * A real SSH server on 127.0.0.1 that plays back one recorded device session, so plugins are tested over
 * the same ssh2 code path they use against hardware. The demo fleet runs on it too, so it stays silent and
 * survives clients that misbehave. Fault modes reproduce the ways real devices fail.
 */
import { createServer } from 'node:net';
import type { Connection, ServerChannel, Session } from 'ssh2';
import ssh2 from 'ssh2';
import { hostKeyFingerprintOf } from '../transports/ssh-connection.js';
import type { RecordedExchange, Recording } from './load-recording.js';

const { Server, utils } = ssh2;

export type ReplayFault =
  /** Nothing listens on the port. */
  | 'refuse'
  /** Accepts the login, then never answers the shell or exec request. */
  | 'hang_after_auth'
  /** Sends half of the longest answer, then closes the channel. */
  | 'drop_mid_output'
  /** Sends every answer one byte per `dripIntervalMs`. */
  | 'drip'
  /** Answers the first command with output that never ends. */
  | 'flood'
  /** Sends the banner but never a prompt, and ignores what is typed. */
  | 'no_prompt'
  /** Splits answers into pages behind ` --More-- `; each page waits for a keypress. */
  | 'pager';

export interface ReplayServerOptions {
  username: string;
  password: string;
  fault?: ReplayFault;
  /** A private host key (OpenSSH or PEM); a fresh ECDSA P-256 key when absent. */
  hostKey?: string | Buffer;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  dripIntervalMs?: number;
  pagerLines?: number;
}

export interface ReplayServer {
  port: number;
  hostKeyFingerprint: string;
  /** The pty requests received, in order: the terminal a plugin asked for (tests check its width). */
  ptyRequests: { term: string; cols: number; rows: number }[];
  close(): Promise<void>;
}

export const pagerPrompt = ' --More-- ';

/** What playing a session needs from the wire: an SSH channel here, a TELNET socket in telnet-replay-server.ts. */
export interface ReplayChannel {
  write(data: Buffer | string): boolean;
  close(): void;
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'close' | 'drain', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  once(event: 'drain', listener: () => void): unknown;
}

export async function startReplayServer(recording: Recording, options: ReplayServerOptions): Promise<ReplayServer> {
  // ECDSA, not ed25519: ssh2-generated ed25519 keys are occasionally unparseable by its own Server.
  const hostKey = options.hostKey ?? utils.generateKeyPairSync('ecdsa', { bits: 256 }).private;
  const hostKeyFingerprint = fingerprintOfPrivateKey(hostKey);
  const host = options.host ?? '127.0.0.1';

  if (options.fault === 'refuse') {
    return { port: await unusedPort(host), hostKeyFingerprint, ptyRequests: [], close: async () => {} };
  }

  const connections = new Set<Connection>();
  const ptyRequests: ReplayServer['ptyRequests'] = [];
  const server = new Server({ hostKeys: [hostKey] }, (connection) => {
    connections.add(connection);
    connection.on('close', () => connections.delete(connection));
    // A client that vanishes mid-handshake must not take the process down.
    connection.on('error', () => {});
    acceptLogin(connection, options);
    connection.on('ready', () => {
      connection.on('session', (accept) => {
        if (options.fault === 'hang_after_auth') return;
        serveSession(accept(), recording, options, ptyRequests);
      });
    });
  });
  server.on('error', () => {});

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

  return {
    port,
    hostKeyFingerprint,
    ptyRequests,
    close() {
      for (const connection of connections) connection.end();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function acceptLogin(connection: Connection, options: ReplayServerOptions): void {
  connection.on('authentication', (auth) => {
    if (auth.method === 'password') {
      if (auth.username === options.username && auth.password === options.password) auth.accept();
      else auth.reject(['password', 'keyboard-interactive']);
      return;
    }
    if (auth.method === 'keyboard-interactive') {
      auth.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
        if (auth.username === options.username && answers[0] === options.password) auth.accept();
        else auth.reject(['password', 'keyboard-interactive']);
      });
      return;
    }
    auth.reject(['password', 'keyboard-interactive']);
  });
}

function serveSession(
  session: Session,
  recording: Recording,
  options: ReplayServerOptions,
  ptyRequests: ReplayServer['ptyRequests'],
): void {
  session.on('pty', (accept, _reject, info) => {
    ptyRequests.push({ term: info.term, cols: info.cols, rows: info.rows });
    accept?.();
  });
  session.on('window-change', (accept) => accept?.());
  session.on('env', (accept) => accept?.());
  session.on('shell', (accept) => {
    playShell(accept(), recording, options);
  });
  session.on('exec', (accept, _reject, info) => {
    const channel = accept();
    const scpPath = /^scp -f (.+)$/.exec(info.command)?.[1];
    if (scpPath !== undefined) {
      serveScpFile(channel, recording, scpPath);
      return;
    }
    const exchange = recording.exchanges.find((candidate) => candidate.input === `${info.command}\n`);
    const output = createOutput(channel, recording, options);
    if (!exchange) {
      channel.stderr.write(`% Unknown command: ${info.command}\n`);
      channel.exit(1);
      channel.end();
      return;
    }
    output.answer(exchange.answer, () => {
      channel.exit(0);
      channel.end();
    });
  });
}

/**
 * `scp -f <path>`: the source side of SCP for a file the recording holds under the bare path (Oxidized's
 * recordings of SCP inputs key the file's content by its name, without a newline).
 */
function serveScpFile(channel: ServerChannel, recording: Recording, path: string): void {
  const file = recording.exchanges.find((candidate) => candidate.input === path)?.answer;
  channel.on('error', () => {});
  let acks = 0;
  channel.on('data', (data: Buffer) => {
    for (let i = 0; i < data.length; i += 1) answerAck();
  });
  function answerAck(): void {
    acks += 1;
    if (acks === 1 && !file) {
      channel.write(`\x01scp: ${path}: No such file or directory\n`);
      channel.exit(1);
      channel.end();
    } else if (acks === 1 && file) {
      channel.write(`C0644 ${file.length} ${path.split('/').pop()}\n`);
    } else if (acks === 2 && file) {
      channel.write(Buffer.concat([file, Buffer.from([0])]));
    } else if (acks === 3) {
      channel.exit(0);
      channel.end();
    }
  }
}

/** Writes answers to a channel, applying the byte-level faults. */
function createOutput(channel: ReplayChannel, recording: Recording, options: ReplayServerOptions) {
  const longest = Math.max(0, ...recording.exchanges.map((exchange) => exchange.answer.length));
  let closed = false;
  let floodStarted = false;
  const timers = new Set<NodeJS.Timeout>();
  channel.on('close', () => {
    closed = true;
    for (const timer of timers) clearTimeout(timer);
  });
  // Writes to a channel the client already closed are expected here, not errors.
  channel.on('error', () => {});

  function flood(): void {
    const chunk = Buffer.from('flood: this line repeats until the client gives up\n'.repeat(1024));
    function pump(): void {
      while (!closed) {
        if (!channel.write(chunk)) {
          channel.once('drain', pump);
          return;
        }
      }
    }
    pump();
  }

  function drip(bytes: Buffer, done?: () => void): void {
    let offset = 0;
    function next(): void {
      if (closed) return;
      if (offset >= bytes.length) {
        done?.();
        return;
      }
      channel.write(bytes.subarray(offset, offset + 1));
      offset += 1;
      const timer = setTimeout(next, options.dripIntervalMs ?? 1000);
      timers.add(timer);
    }
    next();
  }

  return {
    answer(bytes: Buffer, done?: () => void): void {
      if (closed) return;
      if (options.fault === 'flood' && !floodStarted) {
        floodStarted = true;
        flood();
        return;
      }
      if (options.fault === 'drop_mid_output' && bytes.length === longest) {
        channel.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
        channel.close();
        return;
      }
      if (options.fault === 'drip') {
        drip(bytes, done);
        return;
      }
      channel.write(bytes);
      done?.();
    },
    get closed() {
      return closed;
    },
  };
}

/** Plays `recording` as an interactive shell: the banner and first prompt, then an answer per typed command. */
export function playShell(channel: ReplayChannel, recording: Recording, options: ReplayServerOptions): void {
  const output = createOutput(channel, recording, options);
  const initPrompt = recording.initPrompt ?? Buffer.alloc(0);
  const lastPrompt = initPrompt.subarray(initPrompt.lastIndexOf(0x0a) + 1);
  const pages: Buffer[] = [];
  let typed = '';
  let cursor = 0;

  if (options.fault === 'no_prompt') {
    channel.write(initPrompt.subarray(0, initPrompt.lastIndexOf(0x0a) + 1));
    return;
  }
  output.answer(initPrompt);

  function reply(exchange: RecordedExchange): void {
    if (options.fault === 'pager') {
      pages.push(...paginate(exchange.answer, options.pagerLines ?? 20));
      output.answer(pages.shift() ?? Buffer.alloc(0));
    } else {
      output.answer(exchange.answer);
    }
    // Devices hang up after a logout command; the client must not mistake that for a drop.
    if (/^(exit|quit|logout)\r?\n$/.test(exchange.input) && pages.length === 0) {
      setTimeout(() => channel.close(), 50);
    }
  }

  function nextExchange(): RecordedExchange | 'wait' | null {
    const candidates = recording.ordered ? recording.exchanges.slice(cursor, cursor + 1) : recording.exchanges;
    const complete = candidates
      .filter((exchange) => typed.startsWith(exchange.input))
      .sort((a, b) => b.input.length - a.input.length)[0];
    if (complete) {
      if (recording.ordered) cursor += 1;
      return complete;
    }
    if (candidates.some((exchange) => exchange.input.startsWith(typed))) return 'wait';
    // Out of order or unknown: answer any recorded line with the same text before giving up.
    const newline = typed.indexOf('\n');
    if (newline === -1) return 'wait';
    return recording.exchanges.find((exchange) => exchange.input === typed.slice(0, newline + 1)) ?? null;
  }

  channel.on('data', (data: Buffer) => {
    typed += data.toString('utf8');
    while (typed.length > 0 && !output.closed) {
      if (pages.length > 0) {
        // Any key turns the page, as on a real pager.
        typed = typed.slice(1);
        output.answer(pages.shift() ?? Buffer.alloc(0));
        continue;
      }
      const exchange = nextExchange();
      if (exchange === 'wait') return;
      if (exchange === null) {
        const line = typed.slice(0, typed.indexOf('\n'));
        typed = typed.slice(line.length + 1);
        output.answer(Buffer.concat([Buffer.from(`${line}\n% Unknown command (not in the recording)\n`), lastPrompt]));
        continue;
      }
      typed = typed.slice(exchange.input.length);
      reply(exchange);
    }
  });
}

/** Pages of `lines` lines; every page but the last ends with the pager prompt. */
function paginate(answer: Buffer, lines: number): Buffer[] {
  const pages: Buffer[] = [];
  let start = 0;
  let count = 0;
  for (let i = 0; i < answer.length; i += 1) {
    if (answer[i] !== 0x0a) continue;
    count += 1;
    if (count === lines) {
      pages.push(Buffer.concat([answer.subarray(start, i + 1), Buffer.from(pagerPrompt)]));
      start = i + 1;
      count = 0;
    }
  }
  pages.push(answer.subarray(start));
  return pages;
}

function fingerprintOfPrivateKey(privateKey: string | Buffer): string {
  const parsed = utils.parseKey(privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) throw new Error(`unusable replay host key: ${String(key)}`);
  return hostKeyFingerprintOf(key.getPublicSSH());
}

/** A port on which nothing listens: bind, read the number, release it. */
function unusedPort(host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
