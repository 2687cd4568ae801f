/**
 * The identity cache (issue 13 item 3) keeps who a token belongs to for a few seconds, but a signed-out
 * session, a disabled user or a revocation made by another server process on the same database still ends
 * the token's access: in this process at once, in others when the database's notification arrives.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signIn, startTestServer, type TestServer } from './support/test-server.js';

const viewerQuery = '{ viewer { username } }';

async function createOperator(server: TestServer, username: string): Promise<{ id: string; token: string }> {
  const password = `${username}-password-1`;
  const created = await server.gql(
    'mutation ($input: CreateUserInput!) { createUser(input: $input) { ... on CreateUserSuccess { user { id } } } }',
    { input: { username, password, role: 'operator' } },
  );
  const id = created.data.createUser.user.id as string;
  return { id, token: await signIn(server.url, username, password) };
}

async function viewerName(server: TestServer, token: string): Promise<string | null> {
  const { data } = await server.gql<{ viewer: { username: string } | null }>(viewerQuery, {}, token);
  return data?.viewer?.username ?? null;
}

/** Polls until `check` holds (generous deadline: the machine may be loaded), failing only if it never does. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail('the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the identity cache', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });

  after(async () => {
    await server.stop();
  });

  it('refuses a signed-out session on the very next request', async () => {
    const { token } = await createOperator(server, 'cache-logout');
    assert.equal(await viewerName(server, token), 'cache-logout');

    await server.gql('mutation { logout { ok } }', {}, token);

    assert.equal(await viewerName(server, token), null);
  });

  it('refuses a disabled user on the very next request', async () => {
    const { id, token } = await createOperator(server, 'cache-disabled');
    assert.equal(await viewerName(server, token), 'cache-disabled');

    await server.gql('mutation ($input: UpdateUserInput!) { updateUser(input: $input) { __typename } }', {
      input: { id, disabled: true },
    });

    assert.equal(await viewerName(server, token), null);
  });

  it('refuses a session ended through another server on the same PostgreSQL database', {
    skip: !process.env.DATABASE_URL,
  }, async () => {
    const other = await startTestServer({ databaseUrl: server.databaseUrl, dataDir: server.dataDir });
    try {
      const { token } = await createOperator(server, 'cache-elsewhere');
      assert.equal(await viewerName(server, token), 'cache-elsewhere');

      await other.gql('mutation { logout { ok } }', {}, token);

      await eventually(async () => (await viewerName(server, token)) === null);
    } finally {
      await other.stop();
    }
  });
});
