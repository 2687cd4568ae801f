/**
 * A recording SSH proxy on 127.0.0.1 for `devicevault record`: a plugin logs in to it as to the device, every
 * shell or exec channel is forwarded to the real device, and what the device sent is kept per line the
 * plugin typed (the replay fixture's `init_prompt` and ordered `commands`). The proxy only records; redaction
 * happens when the fixture is written (redact-recording.ts). SCP and SFTP channels are not recorded.
 */
import type { ClientChannel, Connection, ServerChannel } from 'ssh2';
import ssh2 from 'ssh2';
import type { BackupPlugin, DeviceTarget } from '../contract.js';
import { CollectError, isCollectError } from '../errors.js';
import { isShellPlugin } from '../runtime/shell-plugin.js';
import { connectSsh, hostKeyFingerprintOf, type SshConnection } from '../transports/ssh-connection.js';
import { oxidizedTerminal } from '../transports/terminal.js';
import type { RecordedExchange } from './load-recording.js';

const { Server, utils } = ssh2;

export interface RecordedSession {
  /** `shell`: an interactive session (banner and prompt first); `exec`: one command per channel, no prompt. */
  mode: 'shell' | 'exec';
  /** What the device printed before the first typed line (shell only). */
  initPrompt: Buffer;
  /** Each line the plugin typed, with every byte the device sent until the next one. */
  exchanges: RecordedExchange[];
}

export interface RecordingProxy {
  port: number;
  /** The proxy's own host key, to pin in the target that connects to it. */
  hostKeyFingerprint: string;
  /** The real device's host key, once a connection reached it. */
  deviceHostKeyFingerprint(): string | undefined;
  /** Why the device could not be reached (the plugin then only sees a refused login). */
  deviceError(): CollectError | undefined;
  /** Sessions in the order they were opened (exec channels of one connection share one session). */
  sessions(): RecordedSession[];
  close(): Promise<void>;
}

export interface RecordingProxyOptions {
  /** The real device; its username and password are also what the proxy accepts from the plugin. */
  device: DeviceTarget;
  /** Abort signal, timeouts (and network policy, where there is one) for the connection to the device. */
  ctx: Parameters<typeof connectSsh>[1];
  /** The plugin that will connect: its algorithm lists (legacy devices) are used towards the device. */
  plugin: BackupPlugin;
}

/** While recording: chunks, joined once when the sessions are read (a config can be megabytes). */
interface LiveExchange {
  input: string;
  chunks: Buffer[];
}

interface LiveSession {
  mode: RecordedSession['mode'];
  initChunks: Buffer[];
  exchanges: LiveExchange[];
}

export async function startRecordingProxy(options: RecordingProxyOptions): Promise<RecordingProxy> {
  const hostKey = utils.generateKeyPairSync('ecdsa', { bits: 256 }).private;
  const parsed = utils.parseKey(hostKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) throw new Error('could not create the proxy host key');
  const sessions: LiveSession[] = [];
  const upstreams = new Set<SshConnection>();
  const connections = new Set<Connection>();
  let deviceFingerprint: string | undefined;
  let deviceError: CollectError | undefined;
  const algorithms = isShellPlugin(options.plugin) ? options.plugin.definition.algorithms : undefined;

  const server = new Server({ hostKeys: [hostKey] }, (connection) => {
    connections.add(connection);
    connection.on('close', () => connections.delete(connection));
    connection.on('error', () => {});
    // The device is logged in to while the plugin logs in to us, so a refused login is refused to the plugin too.
    let upstream: Promise<SshConnection> | null = null;
    function openUpstream(): Promise<SshConnection> {
      if (upstream) return upstream;
      upstream = connectSsh(options.device, options.ctx, { algorithms }).then((opened) => {
        upstreams.add(opened);
        deviceFingerprint = opened.hostKeyFingerprint;
        return opened;
      });
      upstream.catch((error: unknown) => {
        deviceError ??= isCollectError(error) ? error : new CollectError('plugin_error', String(error));
      });
      return upstream;
    }
    connection.on('authentication', (auth) => {
      const { username, password } = options.device;
      const accept = () =>
        openUpstream().then(
          () => auth.accept(),
          () => auth.reject([]),
        );
      if (auth.method === 'password' && auth.username === username && auth.password === password) accept();
      else if (auth.method === 'keyboard-interactive' && auth.username === username) {
        auth.prompt([{ prompt: 'Password: ', echo: false }], (answers) =>
          answers[0] === password ? accept() : auth.reject(['password']),
        );
      } else auth.reject(['password', 'keyboard-interactive']);
    });
    connection.on('ready', () => {
      const opened = openUpstream();
      let execSession: LiveSession | null = null;
      connection.on('session', (accept) => {
        const session = accept();
        // The plugin's pty request is passed on; without one, the terminal Oxidized would ask for.
        let pty = { term: oxidizedTerminal.type, rows: oxidizedTerminal.rows, cols: oxidizedTerminal.columns };
        session.on('pty', (acceptPty, _reject, info) => {
          pty = { term: info.term ?? pty.term, rows: info.rows || pty.rows, cols: info.cols || pty.cols };
          acceptPty?.();
        });
        session.on('window-change', (acceptChange) => acceptChange?.());
        session.on('env', (acceptEnv) => acceptEnv?.());
        session.on('shell', (acceptShell, rejectShell) => {
          opened.then(
            ({ client }) =>
              client.shell(pty, (error, device) => {
                if (error) return rejectShell?.();
                const recorded: LiveSession = { mode: 'shell', initChunks: [], exchanges: [] };
                sessions.push(recorded);
                relayShell(acceptShell(), device, recorded);
              }),
            () => rejectShell?.(),
          );
        });
        session.on('exec', (acceptExec, rejectExec, info) => {
          opened.then(
            ({ client }) =>
              client.exec(info.command, (error, device) => {
                if (error) return rejectExec?.();
                if (!execSession) {
                  execSession = { mode: 'exec', initChunks: [], exchanges: [] };
                  sessions.push(execSession);
                }
                const exchange: LiveExchange = { input: `${info.command}\n`, chunks: [] };
                execSession.exchanges.push(exchange);
                relayExec(acceptExec(), device, exchange);
              }),
            () => rejectExec?.(),
          );
        });
      });
      connection.on('close', () => void opened.then((device) => device.close()).catch(() => {}));
    });
  });
  server.on('error', () => {});

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

  return {
    port,
    hostKeyFingerprint: hostKeyFingerprintOf(key.getPublicSSH()),
    deviceHostKeyFingerprint: () => deviceFingerprint,
    deviceError: () => deviceError,
    sessions: () =>
      sessions
        .filter((session) => session.exchanges.length > 0 || session.initChunks.length > 0)
        .map((session) => ({
          mode: session.mode,
          initPrompt: Buffer.concat(session.initChunks),
          exchanges: session.exchanges.map((exchange) => ({
            input: exchange.input,
            answer: Buffer.concat(exchange.chunks),
          })),
        })),
    async close() {
      for (const connection of connections) connection.end();
      await Promise.all([...upstreams].map((upstream) => upstream.close()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Forwards both ways; each write from the plugin starts an exchange that collects the device's answer. */
function relayShell(plugin: ServerChannel, device: ClientChannel, recorded: LiveSession): void {
  let current: LiveExchange | null = null;
  plugin.on('error', () => {});
  device.on('error', () => {});
  device.on('data', (chunk: Buffer) => {
    (current ? current.chunks : recorded.initChunks).push(chunk);
    plugin.write(chunk);
  });
  device.stderr.on('data', (chunk: Buffer) => plugin.stderr.write(chunk));
  plugin.on('data', (chunk: Buffer) => {
    current = { input: chunk.toString('utf8'), chunks: [] };
    recorded.exchanges.push(current);
    device.write(chunk);
  });
  device.on('close', () => plugin.close());
  plugin.on('close', () => device.close());
}

/** stdout and stderr in arrival order, as the exec transport reads them and the replay server plays them. */
function relayExec(plugin: ServerChannel, device: ClientChannel, exchange: LiveExchange): void {
  plugin.on('error', () => {});
  device.on('error', () => {});
  device.on('data', (chunk: Buffer) => {
    exchange.chunks.push(chunk);
    plugin.write(chunk);
  });
  device.stderr.on('data', (chunk: Buffer) => {
    exchange.chunks.push(chunk);
    plugin.stderr.write(chunk);
  });
  device.on('exit', (code: number | null) => {
    if (typeof code === 'number') plugin.exit(code);
  });
  device.on('close', () => plugin.close());
  plugin.on('close', () => device.close());
}
