/**
 * Alerting end to end against real receivers (an HTTP server checking the webhook HMAC, an SMTP server):
 * a failing device notifies every channel once while its alert is open and again when it recovers; a change
 * carries its masked diff; a receiver that fails three times gets four attempts with growing delays; a digest
 * rule sends the alerts of one interval as one e-mail. Runs on PGlite, and on PostgreSQL when DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRecording, type Recording } from '@devicevault/plugins/replay/load-recording';
import { type ReplayServer, startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { events, notifications } from '@devicevault/schema/db/tables';
import { eq, isNull } from 'drizzle-orm';
import ssh2 from 'ssh2';
import { eventually, mailText, startHttpReceiver, startSmtpReceiver } from './support/alert-receivers.js';
import { createDeviceGroup, mutate, unique } from './support/api-builders.js';
import {
  createCredential,
  createDevice,
  jobProgressSubscription,
  type ProgressEvent,
  triggerBackup,
} from './support/builders.js';
import { collectSubscription, startTestServer, type TestServer } from './support/test-server.js';

const recordingPath = fileURLToPath(
  new URL(
    '../../../packages/plugins/fixtures/device-sessions/ios/C9200L-24P-4G_17.09.04a.simulation.yaml',
    import.meta.url,
  ),
);
const canary = 'CANARY-c0mmunity-7731';

let server: TestServer;
let http: Awaited<ReturnType<typeof startHttpReceiver>>;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
const channels = {} as Record<'webhook' | 'slack' | 'teams' | 'email' | 'flaky', string>;
const hostKey = ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 }).private;

async function createChannel(input: Record<string, unknown>) {
  const payload = await mutate(server, 'createNotificationChannel', input, 'channel { id kind target } signingSecret');
  assert.equal(payload.__typename, 'CreateNotificationChannelSuccess', JSON.stringify(payload));
  return payload as { channel: { id: string }; signingSecret: string | null };
}

async function createRule(input: Record<string, unknown>) {
  const payload = await mutate(server, 'createAlertRule', { name: `rule-${unique()}`, ...input }, 'alertRule { id }');
  assert.equal(payload.__typename, 'CreateAlertRuleSuccess', JSON.stringify(payload));
  return payload.alertRule.id as string;
}

async function backUp(deviceId: string) {
  const { job } = await triggerBackup(server, deviceId);
  const progress = await collectSubscription<ProgressEvent>(server.ws(), jobProgressSubscription, { jobId: job!.id });
  return progress.at(-1)!.jobProgress;
}

/** Every event evaluated and every notification sent or given up. */
async function settled() {
  const db = server.app.database.db;
  await eventually(async () => {
    const waiting = await db.select({ id: events.id }).from(events).where(isNull(events.evaluatedAt));
    const pending = await db
      .select({ id: notifications.id })
      .from(notifications)
      .where(eq(notifications.state, 'pending'));
    return waiting.length === 0 && pending.length === 0;
  }, 'events evaluated and notifications sent');
}

function withLine(recording: Recording, extra: string): Recording {
  return {
    ...recording,
    exchanges: recording.exchanges.map((exchange) => {
      const text = exchange.answer.toString('latin1');
      if (!text.includes('snmp-server community public RW 5')) return exchange;
      const changed = text.replace(
        'snmp-server community public RW 5',
        `snmp-server community ${canary} RW 5\r\n${extra}`,
      );
      return { ...exchange, answer: Buffer.from(changed, 'latin1') };
    }),
  };
}

before(async () => {
  server = await startTestServer({ notifyRetryBaseSeconds: 0.2 });
  http = await startHttpReceiver();
  smtp = await startSmtpReceiver();
  const webhook = await createChannel({ name: `hook-${unique()}`, kind: 'WEBHOOK', url: `${http.url}/hook` });
  http.expectSignature('/hook', webhook.signingSecret!);
  channels.webhook = webhook.channel.id;
  channels.slack = (
    await createChannel({ name: `slack-${unique()}`, kind: 'SLACK', url: `${http.url}/slack` })
  ).channel.id;
  channels.teams = (
    await createChannel({ name: `teams-${unique()}`, kind: 'TEAMS', url: `${http.url}/teams` })
  ).channel.id;
  channels.email = (
    await createChannel({
      name: `mail-${unique()}`,
      kind: 'EMAIL',
      email: { host: '127.0.0.1', port: smtp.port, security: 'NONE', from: 'dv@example.net', to: ['noc@example.net'] },
    })
  ).channel.id;
  const flaky = await createChannel({ name: `flaky-${unique()}`, kind: 'WEBHOOK', url: `${http.url}/flaky` });
  http.expectSignature('/flaky', flaky.signingSecret!);
  channels.flaky = flaky.channel.id;
});

after(async () => {
  await server?.stop();
  await http?.close();
  await smtp?.close();
});

describe('alerting', () => {
  it('notifies every channel once while a failing device’s alert is open, and once more when it recovers', async () => {
    const replay: ReplayServer = await startReplayServer(await loadRecording(recordingPath), {
      username: 'netops',
      password: 'right-password',
      hostKey,
    });
    try {
      const group = await createDeviceGroup(server);
      const credential = await createCredential(server, { username: 'netops', secret: 'wrong-password' });
      const device = await createDevice(server, {
        pluginKey: 'cisco_ios',
        port: replay.port,
        credentialId: credential.id,
        deviceGroupId: group.id,
      });
      await createRule({
        kinds: ['BACKUP_FAILED'],
        deviceGroupIds: [group.id],
        channelIds: [channels.webhook, channels.slack, channels.teams, channels.email],
      });

      const failures = [await backUp(device.id), await backUp(device.id), await backUp(device.id)];
      await settled();
      const duringOutage = {
        webhook: http.delivered('/hook').length,
        slack: http.delivered('/slack').length,
        teams: http.delivered('/teams').length,
        email: smtp.mails.length,
      };
      await mutate(server, 'updateCredential', { id: credential.id, secret: 'right-password' }, 'credential { id }');
      const recovered = await backUp(device.id);
      await eventually(() => http.delivered('/hook').length === 2 && smtp.mails.length === 2, 'recovery notifications');
      await settled();

      assert.deepEqual(
        failures.map((failure) => failure.errorCode),
        ['auth_failed', 'auth_failed', 'auth_failed'],
      );
      assert.deepEqual(duringOutage, { webhook: 1, slack: 1, teams: 1, email: 1 });
      assert.equal(recovered.status, 'succeeded');
      const hooks = http.delivered('/hook');
      assert.deepEqual(
        hooks.map((post) => [post.json.kind, post.json.purpose, post.signatureValid]),
        [
          ['BACKUP_FAILED', 'alert', true],
          ['DEVICE_RECOVERED', 'resolved', true],
        ],
      );
      const first = hooks[0]!.json as { device: { id: string }; group: { id: string }; details: { code: string } };
      assert.equal(first.device.id, device.id);
      assert.equal(first.group.id, group.id);
      assert.equal(first.details.code, 'auth_failed');
      assert.equal(http.delivered('/slack').length, 2);
      assert.equal(http.delivered('/teams').length, 2);
      const slack = http.delivered('/slack')[0]!.json as { text: string; blocks: unknown[] };
      assert.match(slack.text, /backup failed/);
      assert.match(JSON.stringify(slack.blocks), new RegExp(`/devices/${device.id}`));
      const teams = http.delivered('/teams')[0]!.json as {
        attachments: { contentType: string; content: { type: string } }[];
      };
      assert.equal(teams.attachments[0]!.contentType, 'application/vnd.microsoft.card.adaptive');
      assert.equal(teams.attachments[0]!.content.type, 'AdaptiveCard');
      assert.match(mailText(smtp.mails[1]!), /recovered/);
      const alerts = await server.gql(
        'query ($id: ID!) { alerts(filter: { deviceId: $id }) { edges { node { state kind occurrences } } } }',
        { id: device.id },
      );
      assert.deepEqual(
        alerts.data.alerts.edges.map((edge: { node: unknown }) => edge.node),
        [{ state: 'RESOLVED', kind: 'BACKUP_FAILED', occurrences: 3 }],
      );
    } finally {
      await replay.close();
    }
  });

  it('sends a configuration change’s diff by e-mail and webhook with every secret masked', async () => {
    const original = await loadRecording(recordingPath);
    const first = await startReplayServer(original, { username: 'netops', password: 'pw-change-test', hostKey });
    const group = await createDeviceGroup(server);
    const credential = await createCredential(server, { username: 'netops', secret: 'pw-change-test' });
    const created = await server.gql(
      `mutation ($input: CreateDeviceInput!) { createDevice(input: $input) { ... on CreateDeviceSuccess { device { id } } } }`,
      {
        input: {
          name: `changing-${unique()}`,
          host: '127.0.0.1',
          port: first.port,
          pluginKey: 'cisco_ios',
          credentialId: credential.id,
          deviceGroupId: group.id,
          scrubSecrets: true,
        },
      },
    );
    const deviceId = created.data.createDevice.device.id as string;
    await createRule({
      kinds: ['BACKUP_CHANGED'],
      deviceGroupIds: [group.id],
      channelIds: [channels.webhook, channels.email],
    });
    const mailsBefore = smtp.mails.length;
    const hooksBefore = http.delivered('/hook').length;

    assert.equal((await backUp(deviceId)).status, 'succeeded');
    await first.close();
    const second = await startReplayServer(withLine(original, 'snmp-server location lab-rack-9'), {
      username: 'netops',
      password: 'pw-change-test',
      hostKey,
      port: first.port,
    });
    try {
      assert.equal((await backUp(deviceId)).status, 'succeeded');
      await eventually(
        () => smtp.mails.length > mailsBefore && http.delivered('/hook').length > hooksBefore,
        'change notifications',
      );
    } finally {
      await second.close();
    }

    const hook = http.delivered('/hook').at(-1)!;
    const mail = mailText(smtp.mails.at(-1)!);
    const body = hook.json as {
      kind: string;
      diff: { unified: string; added: number };
      details: { added: number };
      links: { diff: string };
    };
    assert.equal(body.kind, 'BACKUP_CHANGED');
    assert.equal(hook.signatureValid, true);
    assert.match(body.diff.unified, /\+snmp-server location lab-rack-9/);
    assert.match(mail, /\+snmp-server location lab-rack-9/);
    assert.match(body.links.diff, /\/compare\?from=/);
    for (const text of [hook.body, mail]) {
      assert.equal(text.includes(canary), false, 'the canary secret leaked into a notification');
      assert.equal(text.includes('SECRET_ENABLE'), false, 'a masked secret leaked into a notification');
    }
  });

  it('retries a receiver that answers 500 three times: four attempts with growing delays, one delivery', async () => {
    http.script('/flaky', [500, 500, 500]);
    const group = await createDeviceGroup(server);
    const device = await createDevice(server, { pluginKey: 'noop', deviceGroupId: group.id });
    await createRule({ kinds: ['BACKUP_FAILED'], deviceGroupIds: [group.id], channelIds: [channels.flaky] });

    await server.app.database.db.insert(events).values({
      kind: 'BACKUP_FAILED',
      deviceId: device.id,
      payload: { code: 'timeout', message: 'seeded', consecutiveFailures: 1 },
    });
    await eventually(() => http.delivered('/flaky').length === 1, 'the flaky receiver took it');
    await settled();

    const log = await server.gql(
      'query ($id: ID!) { notifications(filter: { channelId: $id }) { edges { node { state attempts deliveryLog { attempt statusCode delivered startedAt durationMs } } } } }',
      { id: channels.flaky },
    );
    const [node] = log.data.notifications.edges.map((edge: { node: unknown }) => edge.node);
    const attempts = node.deliveryLog as {
      attempt: number;
      statusCode: number;
      delivered: boolean;
      startedAt: string;
    }[];
    assert.equal(node.state, 'delivered');
    assert.deepEqual(
      attempts.map((attempt) => [attempt.attempt, attempt.statusCode, attempt.delivered]),
      [
        [1, 500, false],
        [2, 500, false],
        [3, 500, false],
        [4, 200, true],
      ],
    );
    const gaps = attempts
      .slice(1)
      .map((attempt, index) => Date.parse(attempt.startedAt) - Date.parse(attempts[index]!.startedAt));
    assert.ok(gaps[0]! >= 200 && gaps[1]! >= 400 && gaps[2]! >= 800, `gaps ${gaps.join(', ')} ms`);
    assert.equal(http.posts.filter((post) => post.path === '/flaky').length, 4);
  });

  it('sends the alerts of a digest rule within its interval as one e-mail listing them all', async () => {
    const recipient = `digest-${unique()}@example.net`;
    const digest = await createChannel({
      name: `digest-${unique()}`,
      kind: 'EMAIL',
      email: { host: '127.0.0.1', port: smtp.port, security: 'NONE', from: 'dv@example.net', to: [recipient] },
    });
    const group = await createDeviceGroup(server);
    const devices = [];
    // More alerts than the sender claims at once (8), so a digest split across claims would show.
    for (let index = 1; index <= 10; index++)
      devices.push(
        await createDevice(server, { pluginKey: 'noop', deviceGroupId: group.id, name: `digest-${index}-${unique()}` }),
      );
    await createRule({
      kinds: ['BACKUP_FAILED'],
      deviceGroupIds: [group.id],
      channelIds: [digest.channel.id],
      digestMinutes: 1,
    });
    const mailsTo = () => smtp.mails.filter((mail) => mail.to.includes(recipient));

    // One statement: the evaluator takes the ten failures together, inside one interval.
    await server.app.database.db.insert(events).values(
      devices.map((device) => ({
        kind: 'BACKUP_FAILED',
        deviceId: device.id,
        payload: { code: 'timeout', message: 'seeded for the digest', consecutiveFailures: 1 },
      })),
    );
    await eventually(() => mailsTo().length > 0, 'the digest e-mail (at the end of its one-minute interval)');
    await settled();

    const queued = await server.app.database.db
      .select({ digestKey: notifications.digestKey, state: notifications.state })
      .from(notifications)
      .where(eq(notifications.channelId, digest.channel.id));
    assert.deepEqual(
      queued.map((row) => row.state),
      devices.map(() => 'delivered'),
    );
    assert.equal(new Set(queued.map((row) => row.digestKey)).size, 1, 'the ten share one digest');
    assert.equal(mailsTo().length, 1, 'one e-mail for the ten alerts');
    const mail = mailText(mailsTo()[0]!);
    assert.match(mail, /^Subject: \[DeviceVault\] 10 alerts: /m);
    assert.equal(mail.split('Event:     BACKUP_FAILED').length - 1, 10, 'each alert listed once');
    for (const device of devices) assert.ok(mail.includes(`Device:    ${device.name} (`), `${device.name} is listed`);
  });

  it('sends a test notification at once and returns what the receiver answered', async () => {
    const result = await mutate(
      server,
      'sendTestNotification',
      { channelId: channels.email },
      'outcome { delivered statusCode error }',
    );

    assert.equal(result.__typename, 'SendTestNotificationSuccess');
    assert.deepEqual(result.outcome, { delivered: true, statusCode: 250, error: null });
    assert.match(mailText(smtp.mails.at(-1)!), /Test notification/);
  });
});
