/**
 * Managing notification channels: updateNotificationChannel keeps write-only secrets unless replaced (a
 * webhook's signing secret, an SMTP password), never returns them, refuses non-admins and bad input with
 * typed errors, and is audited; test sends are kept in the delivery log and counted in /metrics. Real
 * receivers: an HTTP server checking the webhook HMAC and an SMTP server recording each login.
 * Runs on PGlite, and on PostgreSQL when DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { eventually, startHttpReceiver, startSmtpReceiver } from './support/alert-receivers.js';
import { createUserAndSignIn, mutate, unique } from './support/api-builders.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let http: Awaited<ReturnType<typeof startHttpReceiver>>;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;

const channelSelection = 'channel { id name kind target email { host port security username from to } } signingSecret';

before(async () => {
  server = await startTestServer();
  http = await startHttpReceiver();
  smtp = await startSmtpReceiver();
});

after(async () => {
  await server?.stop();
  await http?.close();
  await smtp?.close();
});

async function createChannel(input: Record<string, unknown>) {
  const payload = await mutate(server, 'createNotificationChannel', input, channelSelection);
  assert.equal(payload.__typename, 'CreateNotificationChannelSuccess', JSON.stringify(payload));
  return payload as { channel: { id: string; name: string }; signingSecret: string | null };
}

function updateChannel(input: Record<string, unknown>, token?: string) {
  return mutate(server, 'updateNotificationChannel', input, channelSelection, token);
}

async function sendTest(channelId: string) {
  const payload = await mutate(server, 'sendTestNotification', { channelId }, 'outcome { delivered statusCode error }');
  assert.equal(payload.__typename, 'SendTestNotificationSuccess', JSON.stringify(payload));
  return payload.outcome as { delivered: boolean; statusCode: number | null; error: string | null };
}

function emailInput(password: string) {
  return {
    name: `mail-${unique()}`,
    kind: 'EMAIL',
    email: {
      host: '127.0.0.1',
      port: smtp.port,
      security: 'NONE',
      username: 'relay-user',
      password,
      from: 'dv@example.net',
      to: ['noc@example.net'],
    },
  };
}

describe('updateNotificationChannel', () => {
  it('renames a webhook and moves its URL while the signing secret stays the same', async () => {
    const created = await createChannel({ name: `hook-${unique()}`, kind: 'WEBHOOK', url: `${http.url}/old` });
    http.expectSignature('/moved', created.signingSecret!);
    const name = `renamed-${unique()}`;

    const updated = await updateChannel({ id: created.channel.id, name, url: `${http.url}/moved` });
    const outcome = await sendTest(created.channel.id);

    assert.equal(updated.__typename, 'UpdateNotificationChannelSuccess', JSON.stringify(updated));
    assert.deepEqual(updated.channel, {
      id: created.channel.id,
      name,
      kind: 'WEBHOOK',
      target: http.url,
      email: null,
    });
    assert.equal(updated.signingSecret, null, 'the signing secret is returned only when it changes');
    assert.equal(outcome.delivered, true);
    assert.deepEqual(
      http.delivered('/moved').map((post) => post.signatureValid),
      [true],
    );
    assert.equal(http.delivered('/old').length, 0);
  });

  it('rotates a webhook’s signing secret on request and returns the new one once', async () => {
    const created = await createChannel({ name: `hook-${unique()}`, kind: 'WEBHOOK', url: `${http.url}/rotated` });

    const rotated = await updateChannel({ id: created.channel.id, rotateSigningSecret: true });
    http.expectSignature('/rotated', rotated.signingSecret);
    await sendTest(created.channel.id);
    const list = await server.gql('{ notificationChannels { id name } }');

    assert.match(rotated.signingSecret, /^whsec_/);
    assert.notEqual(rotated.signingSecret, created.signingSecret);
    assert.deepEqual(
      http.delivered('/rotated').map((post) => post.signatureValid),
      [true],
    );
    assert.equal(JSON.stringify(list).includes(rotated.signingSecret), false);
  });

  it('keeps an e-mail channel’s password when it is omitted, replaces it when given, and never returns it', async () => {
    const created = await createChannel(emailInput('first-smtp-password'));
    const id = created.channel.id;

    const renamed = await updateChannel({ id, name: `mail-renamed-${unique()}`, email: { to: ['ops@example.net'] } });
    await sendTest(id);
    const afterRename = smtp.logins.at(-1);
    const repassworded = await updateChannel({ id, email: { password: 'second-smtp-password', port: smtp.port } });
    await sendTest(id);
    const afterNewPassword = smtp.logins.at(-1);
    const list = await server.gql('{ notificationChannels { id email { host port security username from to } } }');

    assert.equal(renamed.__typename, 'UpdateNotificationChannelSuccess', JSON.stringify(renamed));
    assert.deepEqual(renamed.channel.email, {
      host: '127.0.0.1',
      port: smtp.port,
      security: 'NONE',
      username: 'relay-user',
      from: 'dv@example.net',
      to: ['ops@example.net'],
    });
    assert.equal(renamed.channel.target, `smtp://127.0.0.1:${smtp.port} → ops@example.net`);
    assert.deepEqual(afterRename, { username: 'relay-user', password: 'first-smtp-password' });
    assert.equal(repassworded.__typename, 'UpdateNotificationChannelSuccess');
    assert.deepEqual(afterNewPassword, { username: 'relay-user', password: 'second-smtp-password' });
    assert.deepEqual(smtp.mails.at(-1)!.to, ['ops@example.net']);
    assert.ok(list.data.notificationChannels.some((channel: { id: string }) => channel.id === id));
    for (const body of server.responses) {
      assert.equal(body.includes('first-smtp-password'), false, 'the first password was returned');
      assert.equal(body.includes('second-smtp-password'), false, 'the second password was returned');
    }
  });

  it('refuses viewers and operators', async () => {
    const created = await createChannel({ name: `hook-${unique()}`, kind: 'WEBHOOK', url: `${http.url}/guarded` });
    const viewer = await createUserAndSignIn(server, 'viewer');
    const operator = await createUserAndSignIn(server, 'operator');

    const refusals = [];
    for (const token of [viewer.token, operator.token]) {
      refusals.push(
        await updateChannel({ id: created.channel.id, name: 'taken-over' }, token).catch(
          (error: { code?: string }) => error.code,
        ),
      );
    }
    const list = await server.gql('{ notificationChannels { id name } }');

    assert.deepEqual(refusals, ['FORBIDDEN', 'FORBIDDEN']);
    assert.equal(
      list.data.notificationChannels.find((channel: { id: string }) => channel.id === created.channel.id).name,
      created.channel.name,
    );
  });

  it('refuses a bad URL, bad e-mail settings and settings of another kind with typed errors', async () => {
    const hook = await createChannel({ name: `hook-${unique()}`, kind: 'WEBHOOK', url: `${http.url}/kept` });
    const mail = await createChannel(emailInput('unused-password'));
    const other = await createChannel({ name: `other-${unique()}`, kind: 'SLACK', url: `${http.url}/slack` });

    const answers = [
      await updateChannel({ id: hook.channel.id, url: 'not a url' }),
      await updateChannel({ id: hook.channel.id, url: 'ftp://example.net/hook' }),
      await updateChannel({ id: hook.channel.id, email: { host: 'smtp.example.net' } }),
      await updateChannel({ id: hook.channel.id, name: other.channel.name }),
      await updateChannel({ id: hook.channel.id, name: '  ' }),
      await updateChannel({ id: mail.channel.id, url: `${http.url}/mail` }),
      await updateChannel({ id: mail.channel.id, email: { from: 'not-an-address' } }),
      await updateChannel({ id: mail.channel.id, email: { port: 70000 } }),
      await updateChannel({ id: mail.channel.id, email: { to: [] } }),
      await updateChannel({ id: other.channel.id, rotateSigningSecret: true }),
      await updateChannel({ id: '00000000-0000-4000-8000-000000000000', name: 'ghost' }),
    ];
    const list = await server.gql('{ notificationChannels { id target } }');

    assert.deepEqual(
      answers.map((answer) => [answer.__typename, answer.field ?? null]),
      [
        ['ValidationError', 'url'],
        ['ValidationError', 'url'],
        ['ValidationError', 'email'],
        ['ValidationError', 'name'],
        ['ValidationError', 'name'],
        ['ValidationError', 'url'],
        ['ValidationError', 'email.from'],
        ['ValidationError', 'email.port'],
        ['ValidationError', 'email.to'],
        ['ValidationError', 'rotateSigningSecret'],
        ['NotFoundError', null],
      ],
    );
    const targets = new Map(
      list.data.notificationChannels.map((channel: { id: string; target: string }) => [channel.id, channel.target]),
    );
    assert.equal(targets.get(hook.channel.id), http.url, 'a refused update changed nothing');
    assert.equal(targets.get(mail.channel.id), `smtp://127.0.0.1:${smtp.port} → noc@example.net`);
  });

  it('is audited with the channel as its target and no secret in the row', async () => {
    const created = await createChannel(emailInput('audited-password'));

    await updateChannel({ id: created.channel.id, email: { password: 'audited-new-password' } });
    const audit = await server.gql(
      'query ($id: String!) { auditLog(filter: { targetId: $id, action: "updateNotificationChannel" }) { edges { node { action outcome targetType targetId details } } } }',
      { id: created.channel.id },
    );

    assert.deepEqual(
      audit.data.auditLog.edges.map((edge: { node: unknown }) => edge.node),
      [
        {
          action: 'updateNotificationChannel',
          outcome: 'success',
          targetType: 'notificationChannel',
          targetId: created.channel.id,
          details: {},
        },
      ],
    );
  });
});

describe('sendTestNotification', () => {
  it('keeps each test send in the channel’s delivery log and counts it in /metrics', async () => {
    const created = await createChannel({ name: `slack-${unique()}`, kind: 'SLACK', url: `${http.url}/tested` });
    http.script('/tested', [500]);

    const failed = await sendTest(created.channel.id);
    const delivered = await sendTest(created.channel.id);
    const log = await server.gql(
      'query ($id: ID!) { notifications(filter: { channelId: $id }) { edges { node { purpose state attempts lastError payload deliveryLog { attempt statusCode delivered error } } } } }',
      { id: created.channel.id },
    );

    assert.deepEqual([failed.delivered, delivered.delivered], [false, true]);
    const nodes = log.data.notifications.edges.map(
      (edge: { node: { payload: { kind: string } } & Record<string, unknown> }) => ({
        ...edge.node,
        payload: edge.node.payload.kind,
      }),
    );
    assert.deepEqual(nodes, [
      {
        purpose: 'test',
        state: 'delivered',
        attempts: 1,
        lastError: null,
        payload: 'TEST',
        deliveryLog: [{ attempt: 1, statusCode: 200, delivered: true, error: null }],
      },
      {
        purpose: 'test',
        state: 'failed',
        attempts: 1,
        lastError: 'HTTP 500',
        payload: 'TEST',
        deliveryLog: [{ attempt: 1, statusCode: 500, delivered: false, error: 'HTTP 500' }],
      },
    ]);
    const families = await eventually(async () => {
      const response = await fetch(`${server.url}/metrics`, {
        headers: { authorization: `Bearer ${server.adminToken}` },
      });
      return parsePrometheusTextFormat(await response.text());
    }, 'metrics');
    const counts = Object.fromEntries(
      (families.find((family) => family.name === 'devicevault_notifications_total')?.metrics ?? [])
        .filter((metric) => metric.labels?.channel_kind === 'SLACK')
        .map((metric) => [metric.labels?.outcome, metric.value]),
    );
    assert.deepEqual(counts, { delivered: '1', failed: '1' });
  });
});
