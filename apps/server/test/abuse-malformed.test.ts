/**
 * Malformed input (issue 8, item 5): broken percent-encoding in download paths, brackets nested thousands
 * deep, unreadable `variables`, bodies that aren't JSON, malformed WebSocket frames. Each is the client's
 * mistake: a 4xx with a message saying what was wrong (over graphql-ws, an error for that operation only, or
 * the protocol's close code for a broken frame), at most one info line in the log, never a 5xx or a stack
 * trace.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Client } from 'graphql-ws';
import { twentySixLevels } from './support/fragment-bombs.js';
import { closeCodeAfter, maskedFrame, openRawWebSocket } from './support/raw-websocket.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let port: number;

before(async () => {
  server = await startTestServer();
  port = Number(new URL(server.url).port);
});

after(async () => {
  await server.stop();
});

interface HttpCase {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

function deepSelections(levels: number) {
  return `{ ${'viewer { '.repeat(levels)}id${' }'.repeat(levels)} }`;
}
function deepList(levels: number) {
  return `{ device(id: ${'['.repeat(levels)}"x"${']'.repeat(levels)}) { id } }`;
}
function deepObject(levels: number) {
  return `{ devices(filter: ${'{ a: '.repeat(levels)}1${' }'.repeat(levels)}) { totalCount } }`;
}
function deepInlineFragments(levels: number) {
  return `{ ${'... on Query { '.repeat(levels)}__typename${' }'.repeat(levels)} }`;
}
const deepDocuments = [deepSelections, deepList, deepObject, deepInlineFragments];

function postJson(body: string | Buffer, contentType = 'application/json'): HttpCase {
  return { method: 'POST', path: '/graphql', headers: { 'content-type': contentType }, body };
}
function getGraphql(params: Record<string, string>): HttpCase {
  return { path: `/graphql?${new URLSearchParams(params)}` };
}

/** The kinds of malformed HTTP request; `levels` (5,000–24,000) sizes the deeply nested ones. */
const httpCases: ((levels: number) => HttpCase)[] = [
  () => ({ path: '/downloads/%E0%A4%A?exp=1&sig=x' }),
  () => ({ method: 'HEAD', path: '/downloads/%E0%A4%A?exp=1&sig=x' }),
  () => ({ path: '/downloads/%?exp=1&sig=x' }),
  () => ({ path: '/downloads/%00?exp=1&sig=x' }),
  () => ({ path: '/downloads/%ED%A0%80?exp=1&sig=x' }),
  () => ({ path: '/downloads/00000000-0000-0000-0000-000000000000?exp=%E0%A4%A&sig=%' }),
  ...deepDocuments.map((deep) => (levels: number) => postJson(JSON.stringify({ query: deep(levels) }))),
  () => getGraphql({ query: deepList(2_000) }),
  () => getGraphql({ query: '{ __typename }', variables: '{bad' }),
  () => getGraphql({ query: '{ __typename }', extensions: '{"persistedQuery":' }),
  () => getGraphql({ query: '{ __typename }', variables: '[1]' }),
  () => getGraphql({ query: '{ __typename }', variables: '1e999' }),
  () => ({ path: '/graphql?query=%E0%A4%A' }),
  () => ({ path: '/graphql?query={__typename}&variables=%7B%22a%22:%E0%A4%A' }),
  () => postJson('{"query":'),
  () => postJson('[]'),
  () => postJson('null'),
  () => postJson('"{ __typename }"'),
  () => postJson('{"query":1}'),
  () => postJson('{"query":"{ __typename }","variables":"x"}'),
  () => postJson('{"query":"{ __typename }","operationName":5}'),
  (levels) =>
    postJson(
      `{"query":"query ($filter: DeviceFilter) { devices(filter: $filter) { totalCount } }","variables":{"filter":${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}}}`,
    ),
  () => postJson(Buffer.from([0x7b, 0x22, 0x71, 0xff, 0xfe, 0x22, 0x7d])),
  () => postJson('query={__typename}&variables={bad', 'application/x-www-form-urlencoded'),
  () =>
    postJson('--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{bad', 'multipart/form-data; boundary=x'),
  () => postJson('{ __typename', 'application/graphql'),
  () => postJson('{ __typename }', 'text/plain'),
  () => postJson(JSON.stringify({ query: '{ device(id: "\\uD800\\x") { id } }' })),
  () => postJson(JSON.stringify({ query: '{ device(id: "unterminated) { id } }' })),
  () => postJson(JSON.stringify({ query: `{ devices(first: 1${'0'.repeat(400)}) { totalCount } }` })),
  () => postJson(JSON.stringify({ query: twentySixLevels })),
  () => ({ path: '/%E0%A4%A' }),
];

/** Host headers fetch() won't send; @whatwg-node can't build a URL from them. */
const badHosts = ['[', 'a b', '::1', 'x:99999', '%zz'];

/** Sends one request as raw bytes and returns the status of the answer. */
function rawHttpStatus(head: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
    socket.end(`${head}\r\nConnection: close\r\n\r\n`);
  });
}

/** The kinds of malformed WebSocket traffic on a raw connection, each closing it with a protocol code. */
const frameCases: { name: string; frames: Buffer[]; closeCodes: number[] }[] = [
  { name: 'invalid UTF-8 in a text frame', frames: [maskedFrame(0x1, Buffer.from([0xc3, 0x28]))], closeCodes: [1007] },
  { name: 'a reserved opcode', frames: [maskedFrame(0x3, '')], closeCodes: [1002] },
  { name: 'reserved bits set', frames: [Buffer.from([0xc1, 0x80, 0, 0, 0, 0])], closeCodes: [1002] },
  { name: 'an unmasked client frame', frames: [Buffer.from([0x81, 0x00])], closeCodes: [1002] },
  {
    name: 'a frame over the size cap',
    frames: [Buffer.from([0x82, 0xff, 0, 0, 0, 0, 0, 0x30, 0, 0, 0, 0, 0, 0])],
    closeCodes: [1009],
  },
  { name: 'a fragmented ping', frames: [Buffer.from([0x09, 0x80, 0, 0, 0, 0])], closeCodes: [1002] },
  {
    name: 'a close frame with an invalid code',
    frames: [maskedFrame(0x8, Buffer.from([0x03, 0xe7]))],
    closeCodes: [1002],
  },
  { name: 'text that is not JSON', frames: [maskedFrame(0x1, 'hello')], closeCodes: [4400] },
  { name: 'an unknown message type', frames: [maskedFrame(0x1, '{"type":"nope"}')], closeCodes: [4400] },
  {
    name: 'a subscribe before connection_init',
    frames: [maskedFrame(0x1, '{"type":"subscribe","id":"1","payload":{"query":"{ __typename }"}}')],
    closeCodes: [4401],
  },
  {
    name: 'a subscribe whose query is not a string',
    frames: [
      maskedFrame(0x1, '{"type":"connection_init"}'),
      maskedFrame(0x1, '{"type":"subscribe","id":"1","payload":{"query":{"deep":[[[[]]]]}}}'),
    ],
    closeCodes: [4400],
  },
  {
    name: 'a subscribe whose variables are not an object',
    frames: [
      maskedFrame(0x1, '{"type":"connection_init"}'),
      maskedFrame(0x1, '{"type":"subscribe","id":"1","payload":{"query":"{ __typename }","variables":"x"}}'),
    ],
    closeCodes: [4400],
  },
];

/** Documents a graphql-ws client sends as operations: each fails alone and the socket stays open. */
const operationCases: ((levels: number) => string)[] = [
  ...deepDocuments,
  () => twentySixLevels,
  () => '{ __typename',
  () => '{ device(id: "\\uD800") { id } }',
  () => '{ noSuchField }',
];

async function sendHttp(request: HttpCase) {
  const response = await fetch(`${server.url}${request.path}`, {
    method: request.method ?? 'GET',
    headers: request.headers,
    body: typeof request.body === 'string' ? request.body : request.body && new Uint8Array(request.body),
  });
  const text = await response.text();
  return { status: response.status, text };
}

function operation(client: Client, query: string) {
  return new Promise<{ errors?: { message: string; extensions?: { code?: string } }[]; closed?: unknown }>(
    (resolve) => {
      client.subscribe(
        { query },
        {
          next: (result) => resolve(result as never),
          error: (errors) => resolve(Array.isArray(errors) ? { errors } : { closed: errors }),
          complete: () => {},
        },
      );
    },
  );
}

async function inPool<T>(items: T[], concurrency: number, run: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        await run(items[index]!, index);
      }
    }),
  );
}

/** Log lines at warn or above, and anything that looks like a stack trace, in the server log or on stderr. */
function suspiciousLines(lines: string[]) {
  return lines.filter(
    (line) => /"level":("(warn|error|fatal)"|[4-6]0)\b/.test(line) || /\n\s+at |\bat .+:\d+:\d+\)?|"stack"/.test(line),
  );
}

function infoOrAbove(lines: string[]) {
  return lines.filter((line) => !/"level":("debug"|"trace"|10|20)\b/.test(line));
}

/** Collects what the process writes to stderr (console.error included) while `run` runs. */
async function capturingStderr<T>(run: () => Promise<T>): Promise<{ result: T; stderr: string[] }> {
  const stderr: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    stderr.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof process.stderr.write;
  try {
    return { result: await run(), stderr };
  } finally {
    process.stderr.write = write;
  }
}

function levelsFor(index: number) {
  return 5_000 + ((index * 7_919) % 19_001);
}

describe('malformed input', () => {
  it('answers a download path with broken percent-encoding with 400, not 500', async () => {
    const response = await sendHttp({ path: '/downloads/%E0%A4%A?exp=1&sig=x' });

    assert.equal(response.status, 400);
    assert.equal(response.text, 'bad request: malformed backup id in the path\n');
  });

  it('answers a Host header that is not a host name with 400, not 500', async () => {
    const statuses = await Promise.all(
      badHosts.map((host) => rawHttpStatus(`GET /graphql?query={__typename} HTTP/1.1\r\nHost: ${host}`)),
    );

    assert.deepEqual(
      statuses,
      badHosts.map(() => 400),
    );
  });

  it('answers brackets nested 5,000 to 24,000 deep with 400 and a message saying how deep is allowed', async () => {
    const before = server.logLines.length;

    const responses = await Promise.all(
      [5_000, 24_000].flatMap((levels) =>
        deepDocuments.map((deep) => sendHttp(postJson(JSON.stringify({ query: deep(levels) })))),
      ),
    );

    for (const response of responses) {
      assert.equal(response.status, 400);
      const body = JSON.parse(response.text) as { errors: { message: string; extensions: { code: string } }[] };
      assert.equal(body.errors[0]!.extensions.code, 'MAX_NESTING_EXCEEDED');
      assert.match(body.errors[0]!.message, /nests brackets more than 64 levels deep/);
    }
    assert.deepEqual(suspiciousLines(server.logLines.slice(before)), []);
  });

  it('answers a GET whose variables are not JSON with 400 saying so, and logs nothing unexpected', async () => {
    const before = server.logLines.length;

    const response = await sendHttp(getGraphql({ query: '{ __typename }', variables: '{bad' }));

    assert.equal(response.status, 400);
    const body = JSON.parse(response.text) as { errors: { message: string; extensions: { code: string } }[] };
    assert.equal(body.errors[0]!.extensions.code, 'BAD_REQUEST');
    assert.match(body.errors[0]!.message, /could not be read: invalid JSON/);
    assert.deepEqual(suspiciousLines(server.logLines.slice(before)), []);
  });

  it('fails only the operation when a graphql-ws query nests 24,000 deep; the socket keeps serving', async () => {
    const client = server.ws();

    const deep = await operation(client, deepSelections(24_000));
    const fine = await operation(client, '{ viewer { username } }');

    assert.equal(deep.errors?.[0]?.extensions?.code, 'MAX_NESTING_EXCEEDED');
    assert.deepEqual(fine, { data: { viewer: { username: 'admin' } } });
  });

  it('closes a WebSocket that sends a malformed frame with the protocol close code and one info line', async () => {
    const before = server.logLines.length;
    const { result: codes, stderr } = await capturingStderr(() =>
      Promise.all(frameCases.map(async ({ frames }) => closeCodeAfter(await openRawWebSocket(port), ...frames))),
    );

    assert.deepEqual(
      codes,
      frameCases.map(({ closeCodes }) => closeCodes[0]),
    );
    const lines = server.logLines.slice(before);
    assert.deepEqual(suspiciousLines([...lines, ...stderr]), []);
    assert.ok(infoOrAbove(lines).length <= frameCases.length, lines.join(''));
  });

  it('answers 10,000 malformed requests and frames, HTTP and WebSocket mixed, without a 5xx or a stack trace', async () => {
    const httpCount = 7_000;
    const frameCount = 2_000;
    const operationCount = 1_000;
    const before = server.logLines.length;
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const clients = Array.from({ length: 4 }, () => server.ws(null));

    const { stderr } = await capturingStderr(() =>
      Promise.all([
        inPool(
          Array.from({ length: httpCount }, (_, index) => index),
          16,
          async (index) => {
            if (index % 20 === 19) {
              const host = badHosts[index % badHosts.length]!;
              const status = await rawHttpStatus(`GET /graphql?query={__typename} HTTP/1.1\r\nHost: ${host}`);
              statuses.set(status, (statuses.get(status) ?? 0) + 1);
              if (status !== 400) failures.push(`HTTP ${status} for Host: ${host}`);
              return;
            }
            const request = httpCases[index % httpCases.length]!(levelsFor(index));
            const { status, text } = await sendHttp(request);
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            // A 4xx that is really a masked crash ("Unexpected error.") counts as a 5xx.
            if (status < 400 || status >= 500 || text.includes('INTERNAL_SERVER_ERROR')) {
              failures.push(
                `HTTP ${status} for ${request.method ?? 'GET'} ${request.path.slice(0, 80)}: ${text.slice(0, 200)}`,
              );
            }
          },
        ),
        inPool(
          Array.from({ length: frameCount }, (_, index) => index),
          8,
          async (index) => {
            const { name, frames, closeCodes } = frameCases[index % frameCases.length]!;
            const code = await closeCodeAfter(await openRawWebSocket(port), ...frames);
            if (code === null || !closeCodes.includes(code)) failures.push(`WebSocket ${name}: closed with ${code}`);
          },
        ),
        inPool(
          Array.from({ length: operationCount }, (_, index) => index),
          clients.length,
          async (index) => {
            const query = operationCases[index % operationCases.length]!(levelsFor(index));
            const outcome = await operation(clients[index % clients.length]!, query);
            const code = outcome.errors?.[0]?.extensions?.code;
            if (!outcome.errors || outcome.closed || code === 'INTERNAL_SERVER_ERROR') {
              failures.push(`graphql-ws operation ${index}: ${JSON.stringify(outcome).slice(0, 200)}`);
            }
          },
        ),
      ]),
    );

    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} failures`);
    assert.equal(
      [...statuses.values()].reduce((sum, count) => sum + count, 0),
      httpCount,
    );
    const lines = server.logLines.slice(before);
    assert.deepEqual(suspiciousLines([...lines, ...stderr]).slice(0, 5), []);
    assert.ok(
      infoOrAbove(lines).length <= httpCount + frameCount + operationCount,
      `${infoOrAbove(lines).length} log lines for ${httpCount + frameCount + operationCount} malformed requests`,
    );
    const stillFine = await server.gql('{ viewer { username } }');
    assert.deepEqual(stillFine.data, { viewer: { username: 'admin' } });
  });
});
