/**
 * Fragment spreads that fan out level by level (issue 8, item 1): a 1 KB anonymous document once stalled
 * the main thread for minutes in the query-limit check. Each is refused with a 400 (or a per-operation
 * error over graphql-ws) saying why, while ordinary queries keep answering. Timings live in
 * bench/query-limits.ts; here a generous deadline only catches a stall.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getIntrospectionQuery } from 'graphql';
import type { Client } from 'graphql-ws';
import { type BombEnd, bombVariations, fragmentBomb, twentySixLevels } from './support/fragment-bombs.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});

after(async () => {
  await server.stop();
});

/** Far above the milliseconds a refusal takes, far below the minutes the exponential check took. */
const deadlineMs = 60_000;

async function within<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${deadlineMs} ms`)), deadlineMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

interface Outcome {
  status?: number;
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function anonymousPost(query: string): Promise<Outcome> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, ...((await response.json()) as Outcome) };
}

function overWebSocket(client: Client, query: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    client.subscribe(
      { query },
      {
        next: (result) => resolve(result as Outcome),
        error: (errors) => (Array.isArray(errors) ? resolve({ errors }) : reject(errors)),
        complete: () => {},
      },
    );
  });
}

async function normalQueryAnswers() {
  const result = await within('a normal query', server.gql('{ viewer { username } }'));
  assert.deepEqual(result.data, { viewer: { username: 'admin' } });
}

const expected: Record<BombEnd, { code: string; message: RegExp }> = {
  unknown: { code: 'GRAPHQL_VALIDATION_FAILED', message: /^Unknown fragment "F\d+"\.$/ },
  cycle: { code: 'GRAPHQL_VALIDATION_FAILED', message: /^Cannot spread fragment "F\d+" within itself/ },
  'self-cycle': { code: 'GRAPHQL_VALIDATION_FAILED', message: /^Cannot spread fragment "F\d+" within itself\.$/ },
  fields: { code: 'MAX_COST_EXCEEDED', message: /is too expensive: its cost exceeds 10000/ },
};

describe('fragment spreads that fan out', () => {
  it('refuses the 26-level anonymous document ending in an unknown fragment while a normal query answers', async () => {
    assert.ok(twentySixLevels.length < 1100, `the document is about 1 KB (${twentySixLevels.length} bytes)`);

    const [refused] = await Promise.all([
      within('the 26-level document', anonymousPost(twentySixLevels)),
      normalQueryAnswers(),
    ]);

    assert.equal(refused.status, 400);
    assert.equal(refused.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.equal(refused.errors?.[0]?.message, 'Unknown fragment "F26".');
    await normalQueryAnswers();
  });

  it('refuses the 26-level document over graphql-ws without closing the socket', async () => {
    const client = server.ws(null);

    const refused = await within('the 26-level document over graphql-ws', overWebSocket(client, twentySixLevels));
    const fine = await within('a query on the same socket', overWebSocket(client, '{ __typename }'));

    assert.equal(refused.errors?.[0]?.message, 'Unknown fragment "F26".');
    assert.deepEqual(fine.data, { __typename: 'Query' });
  });

  it('refuses 100 random fan-outs (unknown fragments, cycles, costly fields) over HTTP and graphql-ws', async () => {
    const variations = bombVariations(100);
    const client = server.ws(null);
    let stop = false;
    let normalAnswers = 0;
    const keepAsking = (async () => {
      while (!stop) {
        await normalQueryAnswers();
        normalAnswers++;
      }
    })();

    const outcomes = await within(
      '100 variations',
      Promise.all(
        variations.map((bomb, index) =>
          index % 2 === 0 ? anonymousPost(bomb.query) : overWebSocket(client, bomb.query),
        ),
      ),
    );
    stop = true;
    await keepAsking;

    for (const [index, outcome] of outcomes.entries()) {
      const bomb = variations[index]!;
      const label = `variation ${index}: ${bomb.levels} levels, fan-out ${bomb.fanOut}, ends ${bomb.end}, over ${index % 2 === 0 ? 'HTTP' : 'graphql-ws'}`;
      if (index % 2 === 0) assert.equal(outcome.status, 400, label);
      assert.equal(outcome.data, undefined, label);
      assert.equal(outcome.errors?.[0]?.extensions?.code, expected[bomb.end].code, label);
      assert.match(outcome.errors?.[0]?.message ?? '', expected[bomb.end].message, label);
    }
    assert.ok(normalAnswers > 0);
  });

  it('still answers fragments that fan out within the limits', async () => {
    const { query } = fragmentBomb(6, 3, 'fields');

    const result = await anonymousPost(query);

    assert.equal(result.status, 200);
    assert.deepEqual(result.data, { __typename: 'Query' });
  });

  it('still answers the introspection query', async () => {
    const result = await anonymousPost(getIntrospectionQuery());

    assert.equal(result.status, 200);
    assert.equal(result.errors, undefined);
    assert.equal((result.data as { __schema: { queryType: { name: string } } }).__schema.queryType.name, 'Query');
  });
});
