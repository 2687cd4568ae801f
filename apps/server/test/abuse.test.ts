/**
 * Hostile requests over a real port: a query 50 levels deep, 10,000 aliases, a 5 MB body (declared and
 * streamed), an expensive nested page, each refused with a 4xx and a message saying why, while the server
 * keeps answering everyone else; the same limits on graphql-ws; CORS and security headers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { queryLimits } from '../src/http/limits.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});

after(async () => {
  await server.stop();
});

function deepQuery(levels: number) {
  // device → backups → edges → node → device → … : a real cycle in the schema, `levels` fields deep.
  const path = ['device(id: "00000000-0000-0000-0000-000000000000")'];
  while (path.length < levels - 1) {
    path.push(...['backups(first: 1)', 'edges', 'node', 'device'].slice(0, levels - 1 - path.length));
  }
  return `{ ${path.join(' { ')} { __typename }${' }'.repeat(path.length - 1)} }`;
}

function aliasQuery(count: number) {
  return `{ ${Array.from({ length: count }, (_, i) => `a${i}: __typename`).join(' ')} }`;
}

interface GraphqlBody {
  data?: unknown;
  errors: [{ message: string; extensions: { code: string } }];
}

async function post(body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}`, ...headers },
    body,
    ...(typeof body === 'string' ? {} : { duplex: 'half' }),
  } as RequestInit);
  return { status: response.status, headers: response.headers, json: (await response.json()) as GraphqlBody };
}

async function viewerStillAnswers() {
  const result = await server.gql('{ viewer { username } }');
  assert.equal(result.data?.viewer?.username, 'admin');
}

describe('abusive GraphQL documents', () => {
  it('refuses a query 50 levels deep with 400 and says how deep is allowed', async () => {
    const response = await post(JSON.stringify({ query: deepQuery(50) }));

    assert.equal(response.status, 400);
    assert.equal(response.json.errors[0].extensions.code, 'MAX_DEPTH_EXCEEDED');
    assert.match(response.json.errors[0].message, /more than 15 levels deep/);
    await viewerStillAnswers();
  });

  it('still answers a query right at the depth limit', async () => {
    const response = await post(JSON.stringify({ query: deepQuery(queryLimits.maxDepth) }));

    assert.equal(response.status, 200);
    assert.deepEqual(response.json, { data: { device: null } });
  });

  it('refuses 10,000 aliases with 400 and says how many are allowed', async () => {
    const response = await post(JSON.stringify({ query: aliasQuery(10_000) }));

    assert.equal(response.status, 400);
    assert.equal(response.json.errors[0].extensions.code, 'MAX_ALIASES_EXCEEDED');
    assert.match(response.json.errors[0].message, /10000 aliases; at most 100/);
    await viewerStillAnswers();
  });

  it('refuses a nested page of 100 × 100 as too expensive', async () => {
    const query = `{ devices(first: 100) { edges { node { backups(first: 100) { edges { node { id sha256 } } } } } } }`;

    const response = await post(JSON.stringify({ query }));

    assert.equal(response.status, 400);
    assert.equal(response.json.errors[0].extensions.code, 'MAX_COST_EXCEEDED');
  });

  it('refuses 60,000 repeated fields before validation looks at them', async () => {
    const response = await post(JSON.stringify({ query: `{ ${'__typename '.repeat(60_000)}}` }));

    assert.equal(response.status, 400);
    assert.equal(response.json.errors[0].extensions.code, 'MAX_TOKENS_EXCEEDED');
  });

  it('answers an ordinary schema validation error with 400', async () => {
    const response = await post(JSON.stringify({ query: '{ noSuchField }' }));

    assert.equal(response.status, 400);
    assert.match(response.json.errors[0].message, /Cannot query field "noSuchField"/);
  });

  it('applies the same limits to graphql-ws operations without closing the socket', async () => {
    const client = server.ws();
    const outcome = (query: string) =>
      new Promise<{ errors?: { message: string; extensions?: { code?: string } }[]; data?: unknown }>((resolve) => {
        client.subscribe(
          { query },
          {
            next: (result) => resolve(result as never),
            error: (errors) => resolve({ errors: errors as never }),
            complete: () => {},
          },
        );
      });

    const deep = await outcome(deepQuery(50));
    const aliased = await outcome(aliasQuery(10_000));
    const fine = await outcome('{ viewer { username } }');

    assert.equal(deep.errors?.[0]?.extensions?.code, 'MAX_DEPTH_EXCEEDED');
    assert.equal(aliased.errors?.[0]?.extensions?.code, 'MAX_ALIASES_EXCEEDED');
    assert.deepEqual(fine.data, { viewer: { username: 'admin' } });
  });
});

describe('oversized bodies', () => {
  const fiveMegabytes = JSON.stringify({ query: '{ viewer { username } }', variables: { pad: 'x'.repeat(5_000_000) } });

  it('refuses a declared 5 MB body with 413 and a JSON message', async () => {
    const response = await post(fiveMegabytes);

    assert.equal(response.status, 413);
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(response.json.errors[0].extensions.code, 'PAYLOAD_TOO_LARGE');
    assert.match(response.json.errors[0].message, /too large: the limit is 2097152 bytes/);
    await viewerStillAnswers();
  });

  it('refuses a streamed (chunked) 5 MB body with 413 once it crosses the limit', async () => {
    const bytes = new TextEncoder().encode(fiveMegabytes);
    let offset = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.subarray(offset, offset + 64 * 1024));
        offset += 64 * 1024;
      },
    });

    const response = await post(stream);

    assert.equal(response.status, 413);
    assert.equal(response.json.errors[0].extensions.code, 'PAYLOAD_TOO_LARGE');
    await viewerStillAnswers();
  });

  it('accepts a 1.5 MB body, such as a large CSV import', async () => {
    const response = await post(
      JSON.stringify({ query: '{ viewer { username } }', variables: { pad: 'x'.repeat(1_500_000) } }),
    );

    assert.equal(response.status, 200);
    assert.deepEqual(response.json, { data: { viewer: { username: 'admin' } } });
  });

  it('keeps serving ordinary requests while abusive ones arrive at the same time', async () => {
    const abusive = [
      post(fiveMegabytes),
      post(JSON.stringify({ query: deepQuery(50) })),
      post(JSON.stringify({ query: aliasQuery(10_000) })),
      post(fiveMegabytes),
    ];
    const ordinary = Array.from({ length: 8 }, () => server.gql('{ viewer { username } backupMethods { key } }'));

    const [refused, answered] = await Promise.all([Promise.all(abusive), Promise.all(ordinary)]);

    assert.deepEqual(
      refused.map((response) => response.status),
      [413, 400, 400, 413],
    );
    for (const result of answered) assert.equal(result.data?.viewer?.username, 'admin');
  });
});

describe('browser-facing headers', () => {
  it('allows CORS for the dashboard origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });

    const dashboard = await preflight('http://localhost:3000');
    const foreign = await preflight('https://evil.example');
    const foreignPost = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { username } }' }),
    });

    assert.equal(dashboard.headers.get('access-control-allow-origin'), 'http://localhost:3000');
    assert.equal(dashboard.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    assert.equal(foreign.headers.get('access-control-allow-credentials'), null);
    assert.equal(foreignPost.headers.get('access-control-allow-origin'), null);
  });

  it('honours the session cookie only from the dashboard, the server itself or non-browser clients', async () => {
    const asCookie = async (origin?: string) => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          cookie: `dv_session=${server.adminToken}`,
          ...(origin ? { origin } : {}),
        },
        body: JSON.stringify({ query: '{ viewer { username } }' }),
      });
      return ((await response.json()) as { data: { viewer: { username: string } | null } }).data.viewer?.username;
    };
    const overWebSocket = (origin: string) =>
      new Promise<unknown>((resolve, reject) => {
        const client = createClient({
          url: `${server.url.replace('http', 'ws')}/graphql`,
          retryAttempts: 0,
          webSocketImpl: class extends WebSocket {
            constructor(address: string, protocols?: string | string[]) {
              super(address, protocols, { headers: { cookie: `dv_session=${server.adminToken}`, origin } });
            }
          },
        });
        client.subscribe(
          { query: '{ viewer { username } }' },
          {
            next: (result) => resolve((result.data as { viewer: unknown }).viewer),
            error: reject,
            complete: () => void client.dispose(),
          },
        );
      });

    assert.equal(await asCookie('http://localhost:3000'), 'admin');
    assert.equal(await asCookie(server.url), 'admin');
    assert.equal(await asCookie(), 'admin');
    assert.equal(await asCookie('http://localhost:3001'), undefined);
    assert.equal(await asCookie('https://evil.example'), undefined);
    assert.deepEqual(await overWebSocket('http://localhost:3000'), { username: 'admin' });
    assert.equal(await overWebSocket('https://evil.example'), null);
  });

  it('sends security headers on GraphQL, error, health and download responses', async () => {
    const responses = await Promise.all([
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ viewer { username } }' }),
      }),
      fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }),
      fetch(`${server.url}/health`),
      fetch(`${server.url}/no-such-route`),
      fetch(`${server.url}/downloads/00000000-0000-0000-0000-000000000000?exp=1&sig=x`),
    ]);

    for (const response of responses) {
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', response.url);
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(response.headers.get('cross-origin-resource-policy'), 'same-origin');
      assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'.*frame-ancestors 'none'/);
      await response.arrayBuffer();
    }
  });

  it('serves GraphiQL outside production with a CSP that lets it load, and not at all in production', async () => {
    const production = await startTestServer({ graphiql: false });
    try {
      const page = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
      const refused = await fetch(`${production.url}/graphql`, { headers: { accept: 'text/html' } });

      assert.equal(page.status, 200);
      assert.match(await page.text(), /graphiql/i);
      assert.match(
        page.headers.get('content-security-policy') ?? '',
        /script-src 'self' 'unsafe-inline' https:\/\/unpkg.com/,
      );
      assert.equal(page.headers.get('x-frame-options'), 'DENY');
      assert.notEqual(refused.status, 200);
      assert.doesNotMatch(await refused.text(), /graphiql/i);
    } finally {
      await production.stop();
    }
  });
});
