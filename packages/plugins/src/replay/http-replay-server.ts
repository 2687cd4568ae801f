/**
 * A real HTTP(S) server on 127.0.0.1 that answers a device API from a fixture (`<name>.http.yaml` in
 * fixtures/device-sessions/<model>/): each listed request gets its listed response, anything else the
 * fixture's `unmatched` answer (the API's documented refusal, e.g. PAN-OS's 403 "Invalid Credential").
 * Faults reproduce how devices fail. The fixture format is described in that folder's README.md.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { parse } from 'yaml';
import type { RegexChecks } from './load-recording.js';

export interface HttpExchange {
  request: {
    method: string;
    path: string;
    query: Record<string, string>;
    form: Record<string, string> | null;
    /** Headers that must be sent with these values (names in lower case), e.g. `authorization`. */
    headers: Record<string, string>;
  };
  response: HttpAnswer;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface HttpRecording {
  /** `<folder>/<description>`, for test names. */
  name: string;
  /** The folder: Oxidized's model name (`panos_api`). */
  os: string;
  exchanges: HttpExchange[];
  unmatched: HttpAnswer;
  /** Plugin options to collect it with (besides the TLS ones the test sets). */
  options: Record<string, string>;
  expectedOutput: string | null;
  secret: RegexChecks | null;
}

export type HttpReplayFault =
  /** Nothing listens on the port. */
  | 'refuse'
  /** Accepts connections and reads requests, never answers. */
  | 'silent'
  /** Answers the first listed request, then treats every other one as unmatched (a key revoked meanwhile). */
  | 'reject_after_first'
  /** Sends half of the longest body, then closes the connection. */
  | 'drop_mid_body';

export interface HttpReplayServerOptions {
  /** PEM key and certificate: HTTPS; without them plain HTTP. */
  tls?: { key: string; cert: string };
  fault?: HttpReplayFault;
}

export interface HttpReplayServer {
  port: number;
  /** Every request as `METHOD path`, for tests that check what was asked. */
  requests: string[];
  close(): Promise<void>;
}

const httpSuffix = '.http.yaml';

export async function findHttpRecordings(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const folder of (await readdir(root, { withFileTypes: true })).filter((entry) => entry.isDirectory())) {
    for (const file of await readdir(join(root, folder.name))) {
      if (file.endsWith(httpSuffix)) found.push(join(root, folder.name, file));
    }
  }
  return found.sort();
}

export async function loadHttpRecording(path: string): Promise<HttpRecording> {
  const folder = dirname(path);
  const description = basename(path, httpSuffix);
  const doc = parse(await readFile(path, 'utf8')) as {
    exchanges?: { request: Record<string, unknown>; response: Record<string, unknown> }[];
    unmatched?: Record<string, unknown>;
    options?: Record<string, unknown>;
  };
  const sibling = async (kind: string) => {
    const file = join(folder, `${description}.${kind}`);
    return existsSync(file) ? readFile(file, 'utf8') : null;
  };
  const secretText = await sibling('secret.yaml');
  const secret = secretText === null ? null : (parse(secretText) as Partial<RegexChecks>);
  return {
    name: `${basename(folder)}/${description}`,
    os: basename(folder),
    exchanges: (doc.exchanges ?? []).map(({ request, response }) => ({
      request: {
        method: String(request.method ?? 'GET').toUpperCase(),
        path: String(request.path ?? '/'),
        query: stringMap(request.query),
        form: request.form === undefined ? null : stringMap(request.form),
        headers: Object.fromEntries(Object.entries(stringMap(request.headers)).map(([k, v]) => [k.toLowerCase(), v])),
      },
      response: answerOf(response),
    })),
    unmatched: answerOf(doc.unmatched ?? { status: 404, body: 'not found\n' }),
    options: stringMap(doc.options),
    expectedOutput: await sibling('output.txt'),
    secret: secret ? { pass: secret.pass ?? [], fail: secret.fail ?? [] } : null,
  };
}

export async function startHttpReplayServer(
  recording: HttpRecording,
  options: HttpReplayServerOptions = {},
): Promise<HttpReplayServer> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  let answered = 0;
  const longest = Math.max(0, ...recording.exchanges.map((exchange) => exchange.response.body.length));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requests.push(`${req.method} ${req.url}`);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (options.fault === 'silent') return;
    const exchange = recording.exchanges.find((candidate) => matches(candidate, req, Buffer.concat(chunks)));
    const rejectNow = options.fault === 'reject_after_first' && answered >= 1;
    const answer = exchange && !rejectNow ? exchange.response : recording.unmatched;
    if (exchange) answered += 1;
    res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
    if (options.fault === 'drop_mid_body' && answer.body.length === longest) {
      res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.end(answer.body);
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => res.destroy());
  };
  const server: Server = options.tls ? createHttpsServer(options.tls, listener) : createHttpServer(listener);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // TLS clients that give up on our certificate must not take the process down.
  server.on('tlsClientError', () => {});
  // What node's own server does with a request it cannot parse (a TLS handshake sent to plain HTTP, say).
  server.on('clientError', (_error, socket) => socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'));

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  if (options.fault === 'refuse') {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return { port, requests, close: async () => {} };
  }
  return {
    port,
    requests,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Same method and path, the same query parameters in any order, the listed headers, the form fields of a POST. */
function matches(exchange: HttpExchange, req: IncomingMessage, body: Buffer): boolean {
  const url = new URL(req.url ?? '/', 'http://device');
  if (req.method !== exchange.request.method || url.pathname !== exchange.request.path) return false;
  if (!sameParams(url.searchParams, exchange.request.query)) return false;
  for (const [name, value] of Object.entries(exchange.request.headers)) if (req.headers[name] !== value) return false;
  if (exchange.request.form === null) return true;
  return sameParams(new URLSearchParams(body.toString('utf8')), exchange.request.form);
}

function sameParams(params: URLSearchParams, wanted: Record<string, string>): boolean {
  const keys = [...new Set(params.keys())];
  if (keys.length !== Object.keys(wanted).length) return false;
  return keys.every((key) => params.getAll(key).length === 1 && params.get(key) === wanted[key]);
}

function answerOf(raw: Record<string, unknown>): HttpAnswer {
  return {
    status: Number(raw.status ?? 200),
    headers: stringMap(raw.headers),
    body: Buffer.from(String(raw.body ?? ''), 'utf8'),
  };
}

function stringMap(raw: unknown): Record<string, string> {
  if (!raw || typeof raw !== 'object') return {};
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, String(value)]));
}
