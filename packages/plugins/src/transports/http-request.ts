// node:http over our own socket, not fetch: Node's fetch takes no TLS options (pinning, self-signed) without the undici package, and a pinned certificate must be checked before the request (a password) is written.
/**
 * One HTTP(S) request to a device's API, with the same timeouts, abort and classified errors as SSH:
 * connect within `connectMs` (TCP and TLS handshake), silence of `idleMs` is a timeout, the body is read as
 * bytes up to `maxTextBytes`. TLS is verified against the system CAs unless the device's certificate is
 * pinned (`tlsFingerprint`, SHA-256) or self-signed certificates are accepted explicitly (`tlsSelfSigned`).
 */
import { type IncomingHttpHeaders, request } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import type { CollectContext } from '../contract.js';
import { CollectError } from '../errors.js';
import { abortErrorFrom } from '../runtime/abort.js';
import { classifySocketError, connectToCheckedAddresses } from './checked-tcp.js';
import { type CheckedAddress, resolveAllowedAddresses } from './network-policy.js';

export interface HttpEndpoint {
  scheme: 'http' | 'https';
  host: string;
  port: number;
  /** SHA-256 of the device's certificate (hex, colons optional): must match, and replaces the CA check. */
  tlsFingerprint?: string;
  /** Accept a certificate no trusted CA signed, without pinning it: an explicit opt-in per device. */
  tlsSelfSigned?: boolean;
}

export interface HttpCall {
  method: 'GET' | 'POST';
  /** Path and query; may carry a key, so errors show `label` instead. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** What error messages and logs show for this call (never a secret). */
  label: string;
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

type HttpContext = Pick<CollectContext, 'signal' | 'timeouts' | 'maxTextBytes' | 'networkPolicy'>;

export async function httpCall(endpoint: HttpEndpoint, call: HttpCall, ctx: HttpContext): Promise<HttpResult> {
  if (ctx.signal.aborted) throw abortErrorFrom(ctx.signal);
  // The network policy is checked on the resolved addresses, and only those are connected to.
  const addresses = await resolveAllowedAddresses(endpoint.host, ctx.networkPolicy);
  if (ctx.signal.aborted) throw abortErrorFrom(ctx.signal);
  const socket = await openSocket(endpoint, addresses, ctx);
  return exchange(endpoint, call, socket, ctx);
}

/** The SHA-256 fingerprint in one spelling: upper-case hex without separators. */
export function normaliseFingerprint(text: string): string {
  const trimmed = text.trim().replace(/^sha256[:/]/i, '');
  // `SHA256:<base64>` (OpenSSH style) as well as `AB:CD:…` (openssl x509 -fingerprint).
  if (!/^[0-9a-f:\s]+$/i.test(trimmed)) return Buffer.from(trimmed, 'base64').toString('hex').toUpperCase();
  return trimmed.replace(/[:\s]/g, '').toUpperCase();
}

/** A connected socket (TLS handshake done and checked for https), or a classified error. */
function openSocket(endpoint: HttpEndpoint, addresses: readonly CheckedAddress[], ctx: HttpContext): Promise<Socket> {
  const where = `${endpoint.host}:${endpoint.port}`;
  return new Promise<Socket>((resolve, reject) => {
    const tcp = connectToCheckedAddresses(endpoint.host, endpoint.port, addresses);
    let tls: TLSSocket | undefined;
    let settled = false;
    const timer = setTimeout(() => {
      const what = tls ? 'finish the TLS handshake' : 'accept a TCP connection';
      finish(new CollectError('timeout', `${where} did not ${what} within ${ctx.timeouts.connectMs} ms`));
    }, ctx.timeouts.connectMs);

    function finish(error: CollectError | null): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      if (error) {
        tls?.destroy();
        tcp.destroy();
        reject(error);
        return;
      }
      resolve(tls ?? tcp);
    }
    function onAbort(): void {
      finish(abortErrorFrom(ctx.signal));
    }

    ctx.signal.addEventListener('abort', onAbort, { once: true });
    // Later errors reach the request as a close; without a listener one would crash the worker.
    tcp.on('error', (error: NodeJS.ErrnoException) =>
      finish(tls ? classifyTlsError(error, where) : classifySocketError(error, endpoint.host, where, 'HTTP')),
    );
    tcp.once('connect', () => {
      if (endpoint.scheme === 'http') {
        finish(null);
        return;
      }
      const pinned = endpoint.tlsFingerprint ? normaliseFingerprint(endpoint.tlsFingerprint) : undefined;
      tls = connectTls({
        socket: tcp,
        // The name the certificate must carry, and SNI for it (SNI takes no IP address).
        host: endpoint.host,
        servername: isIP(endpoint.host) ? undefined : endpoint.host,
        rejectUnauthorized: !pinned && !endpoint.tlsSelfSigned,
        ALPNProtocols: ['http/1.1'],
      });
      tls.on('error', (error: NodeJS.ErrnoException) => finish(classifyTlsError(error, where)));
      tls.once('secureConnect', () => {
        const seen = tls?.getPeerCertificate().fingerprint256 ?? '';
        if (pinned && normaliseFingerprint(seen) !== pinned) {
          finish(
            new CollectError(
              'host_key_changed',
              `${where} presented a certificate (SHA-256 ${seen}) that differs from the pinned ${endpoint.tlsFingerprint}`,
            ),
          );
          return;
        }
        finish(null);
      });
    });
  });
}

function exchange(endpoint: HttpEndpoint, call: HttpCall, socket: Socket, ctx: HttpContext): Promise<HttpResult> {
  const where = `${endpoint.host}:${endpoint.port}`;
  return new Promise<HttpResult>((resolve, reject) => {
    let settled = false;
    let idleTimer: NodeJS.Timeout | undefined;
    const chunks: Buffer[] = [];
    let received = 0;

    const body = call.body === undefined ? undefined : Buffer.from(call.body, 'utf8');
    const req = request({
      createConnection: () => socket,
      host: endpoint.host,
      port: endpoint.port,
      method: call.method,
      path: call.path,
      headers: { ...call.headers, ...(body ? { 'content-length': String(body.length) } : {}), connection: 'close' },
    });

    function finish(error: CollectError | null, result?: HttpResult): void {
      if (settled) return;
      settled = true;
      clearTimeout(idleTimer);
      ctx.signal.removeEventListener('abort', onAbort);
      if (error || !result) {
        req.destroy();
        socket.destroy();
        reject(error);
        return;
      }
      socket.end();
      resolve(result);
    }
    function onAbort(): void {
      finish(abortErrorFrom(ctx.signal));
    }
    function armIdleTimer(): void {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        finish(new CollectError('timeout', `${where} went silent for ${ctx.timeouts.idleMs} ms during ${call.label}`));
      }, ctx.timeouts.idleMs);
    }

    ctx.signal.addEventListener('abort', onAbort, { once: true });
    armIdleTimer();
    req.on('error', (error: NodeJS.ErrnoException) => {
      finish(
        new CollectError('connection_dropped', `${where} dropped ${call.label}: ${error.message}`, { cause: error }),
      );
    });
    req.on('response', (response) => {
      armIdleTimer();
      const declared = Number(response.headers['content-length'] ?? 0);
      if (declared > ctx.maxTextBytes) {
        finish(
          new CollectError('output_too_large', `${call.label} announced ${declared} bytes (limit ${ctx.maxTextBytes})`),
        );
        return;
      }
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > ctx.maxTextBytes) {
          finish(new CollectError('output_too_large', `${call.label} sent more than ${ctx.maxTextBytes} bytes`));
          return;
        }
        chunks.push(chunk);
        armIdleTimer();
      });
      response.on('end', () => {
        if (!response.complete) {
          finish(new CollectError('connection_dropped', `${where} ended ${call.label} before its body was complete`));
          return;
        }
        finish(null, {
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks, received),
        });
      });
      response.on('aborted', () => {
        finish(new CollectError('connection_dropped', `${where} ended ${call.label} before its body was complete`));
      });
    });
    req.end(body);
  });
}

/** Fails the collection for a status that is not 2xx: 401/403 are `auth_failed`, 404 `file_not_found`. */
export function requireSuccess(result: HttpResult, call: Pick<HttpCall, 'label'>, detail = ''): void {
  if (result.status >= 200 && result.status < 300) return;
  const why = `${call.label} answered HTTP ${result.status}${detail ? `: ${detail}` : ''}`;
  if (result.status === 401 || result.status === 403) throw new CollectError('auth_failed', why);
  if (result.status === 404) throw new CollectError('file_not_found', why);
  throw new CollectError('plugin_error', why);
}

function classifyTlsError(error: NodeJS.ErrnoException, where: string): CollectError {
  // Untrusted, expired or misnamed certificates, no common protocol version, and peers that do not speak TLS
  // at all (they answer the handshake with plain text or hang up on it).
  const reason =
    error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 'the device hung up on the handshake' : error.code;
  return new CollectError(
    'tls_failed',
    `TLS with ${where} failed (${reason ?? 'error'}: ${error.message}); if the device has a self-signed certificate, ` +
      'pin it with the option tls_fingerprint or accept it with tls_self_signed=true',
    { cause: error },
  );
}
