/**
 * Opens one authenticated SSH connection to a device, pins its host key and turns every way that can fail
 * into a classified CollectError. Shell, exec and SFTP transports all start here.
 */
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Algorithms, Client as SshClient } from 'ssh2';
import type { CollectContext, DeviceTarget } from '../contract.js';
import { CollectError } from '../errors.js';
import { abortErrorFrom } from '../runtime/abort.js';
import { classifySocketError, connectToCheckedAddresses } from './checked-tcp.js';
import { resolveAllowedAddresses } from './network-policy.js';

export interface SshConnection {
  client: SshClient;
  /** The host key the device presented, `SHA256:<base64 without padding>` (OpenSSH's format). */
  hostKeyFingerprint: string;
  /** Ends the session; resolves once its socket is closed (within about a second, whatever the peer does). */
  close(): Promise<void>;
}

export interface ConnectSshOptions {
  /** Per-device algorithm lists, e.g. legacy `diffie-hellman-group1-sha1` or `aes128-cbc` for old gear. */
  algorithms?: Algorithms;
  /** Offer keyboard-interactive auth (answered with the password) for devices that refuse plain password. */
  tryKeyboard?: boolean;
}

/** OpenSSH-style fingerprint of a raw public key blob. */
export function hostKeyFingerprintOf(rawKey: Buffer): string {
  return `SHA256:${createHash('sha256').update(rawKey).digest('base64').replace(/=+$/, '')}`;
}

export async function connectSsh(
  target: DeviceTarget,
  ctx: Pick<CollectContext, 'signal' | 'timeouts' | 'networkPolicy'>,
  options: ConnectSshOptions = {},
): Promise<SshConnection> {
  // Loaded here, not at the top: whatever lists plugins (the GraphQL schema, `schema:print`) never loads ssh2.
  const { default: ssh2 } = await import('ssh2');
  if (ctx.signal.aborted) throw abortErrorFrom(ctx.signal);
  const addresses = await resolveAllowedAddresses(target.host, ctx.networkPolicy);
  if (ctx.signal.aborted) throw abortErrorFrom(ctx.signal);

  // Our own socket, to the checked addresses only: ssh2 would resolve the name again, and its destroy() is a
  // no-op once end() has run, which left sockets half-closed after a job (issue 8).
  const socket = connectToCheckedAddresses(target.host, target.port, addresses);
  const client = new ssh2.Client();
  let seenFingerprint = '';
  let hostKeyRejected = false;

  return new Promise<SshConnection>((resolve, reject) => {
    let settled = false;

    function settle(error: CollectError | null): void {
      if (settled) return;
      settled = true;
      ctx.signal.removeEventListener('abort', onAbort);
      if (error) {
        // The job reports its failure only once the socket is gone, so none outlives it.
        void destroySocket(socket).then(() => reject(error));
        return;
      }
      // After login, an abort must still free the socket even if the plugin's own wait never settles
      // (a device that hangs after authentication): otherwise every hung job leaks a connection.
      const destroyOnAbort = () => socket.destroy();
      ctx.signal.addEventListener('abort', destroyOnAbort, { once: true });
      resolve({
        client,
        hostKeyFingerprint: seenFingerprint,
        close() {
          ctx.signal.removeEventListener('abort', destroyOnAbort);
          return endSession(client, socket);
        },
      });
    }

    function onAbort(): void {
      settle(abortErrorFrom(ctx.signal));
    }

    ctx.signal.addEventListener('abort', onAbort, { once: true });
    // ssh2 emits 'error' after 'ready' too (socket resets); without a listener that would crash the worker.
    client.on('error', (error) => settle(classifyConnectError(error, target, hostKeyRejected, socket.bytesRead)));
    // Every session closes; only one closing before login is an error (built only then: an Error's stack costs).
    client.on('close', () => {
      if (!settled)
        settle(
          new CollectError('connection_dropped', `${target.host}:${target.port} closed the connection during login`),
        );
    });
    client.on('ready', () => settle(null));
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
      finish(prompts.map(() => target.password));
    });

    try {
      client.connect({
        sock: socket,
        username: target.username,
        password: target.password,
        tryKeyboard: options.tryKeyboard ?? true,
        readyTimeout: ctx.timeouts.connectMs,
        algorithms: options.algorithms,
        hostVerifier(rawKey: Buffer): boolean {
          seenFingerprint = hostKeyFingerprintOf(rawKey);
          if (target.hostKeyFingerprint && target.hostKeyFingerprint !== seenFingerprint) {
            hostKeyRejected = true;
            return false;
          }
          return true;
        },
      });
    } catch (error) {
      settle(new CollectError('plugin_error', `invalid SSH settings: ${String(error)}`, { cause: error }));
    }
  });
}

// How long a peer gets to answer our disconnect before its socket is destroyed.
const closeGraceMs = 1_000;

/** Says goodbye (SSH disconnect + FIN) and resolves once the socket has closed, whatever the peer does. */
function endSession(client: SshClient, socket: Socket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  if (!socket.writable) return destroySocket(socket);
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => socket.destroy(), closeGraceMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    client.end();
  });
}

function destroySocket(socket: Socket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.destroy();
  });
}

type Ssh2Error = Error & { code?: string; level?: string; errors?: Ssh2Error[] };

function classifyConnectError(
  error: Ssh2Error,
  target: DeviceTarget,
  hostKeyRejected: boolean,
  bytesRead: number,
): CollectError {
  const where = `${target.host}:${target.port}`;
  if (hostKeyRejected) {
    return new CollectError(
      'host_key_changed',
      `${where} presented a host key that differs from the pinned ${target.hostKeyFingerprint}`,
      { cause: error },
    );
  }
  if (error.level === 'client-authentication') {
    return new CollectError('auth_failed', `${where} rejected the credentials for ${target.username}`, {
      cause: error,
    });
  }
  if (error.level === 'client-timeout') {
    return new CollectError('timeout', `${where} did not finish the SSH handshake in time`, { cause: error });
  }
  // ssh2's parser throws plain errors (no code, no level) on a bad banner or packet; 'protocol' and
  // 'handshake' errors are the rest of the SSH layer (bad packets, no common algorithm).
  const sshLayer = error.code === undefined && [undefined, 'protocol', 'handshake'].includes(error.level);
  if (sshLayer && !(error.message.startsWith('Connection lost before handshake') && bytesRead === 0)) {
    return new CollectError('protocol_error', `${where} does not speak SSH as expected: ${error.message}`, {
      cause: error,
    });
  }
  // A failed connect to several addresses reports each in `errors`.
  const socketError = error.code === undefined ? (error.errors?.[0] ?? error) : error;
  if (socketError.code === undefined) {
    return new CollectError('connection_dropped', `${where} closed the connection before the SSH banner`, {
      cause: error,
    });
  }
  return classifySocketError(socketError, target.host, where, 'SSH', 'during login');
}
