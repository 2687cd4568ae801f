/**
 * Sign-in throttling as an attacker meets it: real HTTP requests from distinct loopback source addresses
 * (127.0.0.0/8 is all local on Linux, so a client can bind any of them), against counters kept in the
 * database. Guessing one username from many addresses, spraying many usernames from one address and
 * parallel guesses are all throttled; the owner still signs in from an address they used before; two
 * server processes on one PostgreSQL database see the same counters.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { auditLog, loginThrottle } from '@devicevault/schema/db/tables';
import { and, desc, eq } from 'drizzle-orm';
import { throttleAddress, throttleRules } from '../src/auth/login-throttle.js';
import { createUserAndSignIn, unique } from './support/api-builders.js';
import { startTestServer, type TestServer } from './support/test-server.js';

interface LoginAnswer {
  __typename: 'LoginSuccess' | 'InvalidCredentialsError' | 'RateLimitedError' | 'ValidationError';
  message?: string;
  retryAfterSeconds?: number;
  token?: string;
}

/** The login mutation over HTTP from a chosen local source address. */
function loginFrom(
  url: string,
  from: string,
  username: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<LoginAnswer> {
  const body = JSON.stringify({
    query: `mutation ($input: LoginInput!) { login(input: $input) {
      __typename ... on Error { message } ... on RateLimitedError { retryAfterSeconds } ... on LoginSuccess { token }
    } }`,
    variables: { input: { username, password } },
  });
  return new Promise((resolve, reject) => {
    const call = request(
      `${url}/graphql`,
      {
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const login = JSON.parse(text).data?.login;
          if (login) resolve(login);
          else reject(new Error(`no login result: ${text}`));
        });
      },
    );
    call.on('error', reject);
    call.end(body);
  });
}

function count(answers: LoginAnswer[], typename: LoginAnswer['__typename']): number {
  return answers.filter((answer) => answer.__typename === typename).length;
}

/** A /24 of loopback addresses no other test in this file uses. */
let nextSubnet = 10;
function addresses(howMany: number): string[] {
  const subnet = nextSubnet++;
  return Array.from({ length: howMany }, (_, index) => `127.0.${subnet}.${index + 1}`);
}

describe('login throttling', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('throttles 50 guesses at one username spread over 10 addresses', async (t) => {
    const victim = await createUserAndSignIn(server, 'viewer');
    const attackers = addresses(11);

    const answers: LoginAnswer[] = [];
    for (let guess = 0; guess < 50; guess++)
      answers.push(await loginFrom(server.url, attackers[guess % 10]!, victim.username, `guess-${guess}`));
    const withRightPassword = await loginFrom(server.url, attackers[10]!, victim.username, victim.password);
    t.diagnostic(
      `answered ${count(answers, 'InvalidCredentialsError')} of 50, refused ${count(answers, 'RateLimitedError')}`,
    );

    assert.ok(count(answers, 'InvalidCredentialsError') <= throttleRules.user.free + 1, JSON.stringify(answers));
    assert.ok(count(answers, 'RateLimitedError') >= 50 - throttleRules.user.free - 1);
    const refused = answers.find((answer) => answer.__typename === 'RateLimitedError')!;
    assert.ok(refused.retryAfterSeconds! > 0);
    assert.match(refused.message!, /Too many failed sign-ins.*try again in \d+ s/);
    assert.equal(
      withRightPassword.__typename,
      'RateLimitedError',
      'a new address is slowed while the name is attacked',
    );
  });

  it('throttles a sprayer trying 20 usernames from one address, and only that address', async (t) => {
    const real = await Promise.all(Array.from({ length: 5 }, () => createUserAndSignIn(server, 'viewer')));
    const names = [...real.map((user) => user.username), ...Array.from({ length: 15 }, () => `nobody-${unique()}`)];
    const [sprayer, neighbour] = addresses(2);

    const answers: LoginAnswer[] = [];
    for (const name of names) answers.push(await loginFrom(server.url, sprayer!, name, 'Summer2026!'));
    const fromElsewhere = await loginFrom(server.url, neighbour!, real[0]!.username, real[0]!.password);
    t.diagnostic(
      `answered ${count(answers, 'InvalidCredentialsError')} of 20, refused ${count(answers, 'RateLimitedError')}`,
    );

    assert.ok(count(answers, 'InvalidCredentialsError') <= throttleRules.address.free + 1, JSON.stringify(answers));
    assert.ok(count(answers, 'RateLimitedError') >= 20 - throttleRules.address.free - 1);
    assert.equal(fromElsewhere.__typename, 'LoginSuccess');
  });

  it('lets the owner sign in from an address they used before while their username is under attack', async () => {
    const owner = await createUserAndSignIn(server, 'operator');
    const [home, ...attackers] = addresses(11);
    assert.equal((await loginFrom(server.url, home!, owner.username, owner.password)).__typename, 'LoginSuccess');

    const attack: LoginAnswer[] = [];
    for (let guess = 0; guess < 40; guess++)
      attack.push(await loginFrom(server.url, attackers[guess % 10]!, owner.username, `guess-${guess}`));
    const ownerAtHome = await loginFrom(server.url, home!, owner.username, owner.password);

    assert.ok(count(attack, 'RateLimitedError') > 0);
    assert.equal(ownerAtHome.__typename, 'LoginSuccess');
    assert.ok(ownerAtHome.token);
  });

  it('counts parallel guesses before checking any password, so a burst gets no more tries than a sequence', async (t) => {
    const victim = await createUserAndSignIn(server, 'viewer');
    const [attacker] = addresses(1);

    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, guess) => loginFrom(server.url, attacker!, victim.username, `burst-${guess}`)),
    );
    t.diagnostic(`answered ${count(answers, 'InvalidCredentialsError')} of 30 in parallel`);

    assert.ok(count(answers, 'InvalidCredentialsError') <= throttleRules.pair.free, JSON.stringify(answers));
    assert.equal(count(answers, 'RateLimitedError'), 30 - count(answers, 'InvalidCredentialsError'));
  });

  it('audits a refused attempt like a failed sign-in, under the name tried and the source address', async () => {
    const name = `audited-${unique()}`;
    const [attacker] = addresses(1);
    const answers: LoginAnswer[] = [];
    for (let guess = 0; guess < throttleRules.pair.free + 2; guess++)
      answers.push(await loginFrom(server.url, attacker!, name, `guess-${guess}`));
    assert.equal(answers.at(-1)!.__typename, 'RateLimitedError');

    const rows = await server.app.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'login'), eq(auditLog.actorLabel, name)));

    assert.equal(rows.length, answers.length);
    assert.ok(rows.every((row) => row.outcome === 'failure' && row.sourceAddress === attacker));
    const refused = rows.filter((row) => String(row.details.error).startsWith('Too many failed sign-ins'));
    assert.equal(refused.length, count(answers, 'RateLimitedError'));
  });

  it('ignores X-Forwarded-For from a peer that is no trusted proxy, so a sprayer cannot rotate it', async () => {
    const [sprayer] = addresses(1);

    const answers: LoginAnswer[] = [];
    for (let guess = 0; guess < 20; guess++)
      answers.push(
        await loginFrom(server.url, sprayer!, `nobody-${unique()}`, 'Summer2026!', {
          'x-forwarded-for': `198.51.100.${guess + 1}`,
        }),
      );

    assert.ok(count(answers, 'RateLimitedError') >= 20 - throttleRules.address.free - 1, JSON.stringify(answers));
  });

  it('keeps IPv6 counters per /64 and unwraps IPv4-mapped addresses', () => {
    assert.equal(throttleAddress('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(throttleAddress('2001:db8:1:2:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
    assert.equal(throttleAddress('::1'), '0:0:0:0::/64');
    assert.equal(throttleAddress('::ffff:10.1.2.3'), '10.1.2.3');
    assert.equal(throttleAddress('192.0.2.7'), '192.0.2.7');
    assert.equal(throttleAddress(null), 'unknown');
  });
});

describe('login throttling behind a trusted reverse proxy', () => {
  let server: TestServer;
  let proxy: string;

  before(async () => {
    proxy = addresses(1)[0] ?? assert.fail('no address');
    server = await startTestServer({ trustedProxies: [proxy] });
  });
  after(async () => {
    await server?.stop();
  });

  it("throttles and audits by the client address the proxy forwards, not the proxy's own", async () => {
    const user = await createUserAndSignIn(server, 'viewer');
    const forwardedBy = (client: string) => ({ 'x-forwarded-for': `203.0.113.9, ${client}` });

    const spray: LoginAnswer[] = [];
    for (let guess = 0; guess < 15; guess++)
      spray.push(await loginFrom(server.url, proxy, `nobody-${unique()}`, 'Summer2026!', forwardedBy('198.51.100.7')));
    const neighbour = await loginFrom(server.url, proxy, user.username, user.password, forwardedBy('198.51.100.8'));

    assert.ok(count(spray, 'RateLimitedError') >= 15 - throttleRules.address.free - 1, JSON.stringify(spray));
    assert.equal(neighbour.__typename, 'LoginSuccess');
    const [row] = await server.app.database.db
      .select({ sourceAddress: auditLog.sourceAddress })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'login'), eq(auditLog.actorLabel, user.username), eq(auditLog.outcome, 'success')))
      .orderBy(desc(auditLog.createdAt))
      .limit(1);
    assert.equal(row?.sourceAddress, '198.51.100.8');
  });
});

const skip = process.env.DATABASE_URL ? false : 'needs PostgreSQL (DATABASE_URL): PGlite serves one process only';

describe('login throttling across two servers on one PostgreSQL database', { skip }, () => {
  let first: TestServer;
  let second: TestServer;

  before(async () => {
    first = await startTestServer();
    second = await startTestServer({ dataDir: first.dataDir, databaseUrl: first.databaseUrl });
  });
  after(async () => {
    await second?.stop();
    await first?.stop();
  });

  it('shares the counters: guesses alternating between the servers are throttled by both', async (t) => {
    const victim = await createUserAndSignIn(first, 'viewer');
    const [attacker] = addresses(1);

    const answers: LoginAnswer[] = [];
    for (let guess = 0; guess < 20; guess++) {
      const target = guess % 2 === 0 ? first : second;
      answers.push(await loginFrom(target.url, attacker!, victim.username, `guess-${guess}`));
    }

    t.diagnostic(`answered ${count(answers, 'InvalidCredentialsError')} of 20 over two servers`);
    assert.ok(count(answers, 'InvalidCredentialsError') <= throttleRules.pair.free + 1, JSON.stringify(answers));
    assert.equal(answers.at(-1)!.__typename, 'RateLimitedError');
    assert.equal(answers.at(-2)!.__typename, 'RateLimitedError');
    const [pair] = await second.app.database.db
      .select({ failures: loginThrottle.failures })
      .from(loginThrottle)
      .where(eq(loginThrottle.key, `pair:${victim.username.toLowerCase()}|${attacker}`));
    assert.ok(pair!.failures >= throttleRules.pair.free);
  });
});
