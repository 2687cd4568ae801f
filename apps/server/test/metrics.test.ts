/**
 * /metrics after a scripted run, parsed with a Prometheus text-format parser: default process metrics and
 * every DeviceVault series with the values the run must produce. PGlite, and PostgreSQL when DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { events, jobs } from '@devicevault/schema/db/tables';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { eventually, startHttpReceiver } from './support/alert-receivers.js';
import { createDeviceGroup, mutate, unique } from './support/api-builders.js';
import { createCredential, createDevice, jobProgressSubscription, triggerBackup } from './support/builders.js';
import { collectSubscription, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let http: Awaited<ReturnType<typeof startHttpReceiver>>;

before(async () => {
  server = await startTestServer();
  http = await startHttpReceiver();
});

after(async () => {
  await server?.stop();
  await http?.close();
});

async function backUp(deviceId: string) {
  const { job } = await triggerBackup(server, deviceId);
  await collectSubscription(server.ws(), jobProgressSubscription, { jobId: job!.id });
}

function sample(
  families: ReturnType<typeof parsePrometheusTextFormat>,
  name: string,
  labels: Record<string, string> = {},
): string | undefined {
  const family = families.find((candidate) => candidate.name === name);
  const metric = family?.metrics.find((candidate) =>
    Object.entries(labels).every(([key, value]) => candidate.labels?.[key] === value),
  );
  return metric?.value ?? metric?.count;
}

describe('/metrics', () => {
  it('shows every series with the values of a scripted run', async () => {
    const group = await createDeviceGroup(server);
    const good = [
      await createDevice(server, { pluginKey: 'noop', deviceGroupId: group.id }),
      await createDevice(server, { pluginKey: 'noop', deviceGroupId: group.id }),
    ];
    // Nothing listens on port 1: refused, and outside a collection group it is not retried.
    const credential = await createCredential(server, { username: 'u', secret: 'metrics-secret' });
    const bad = await createDevice(server, {
      pluginKey: 'cisco_ios',
      port: 1,
      credentialId: credential.id,
      deviceGroupId: group.id,
    });
    const waiting = await createDevice(server, { pluginKey: 'noop', deviceGroupId: group.id });
    const channel = await mutate(
      server,
      'createNotificationChannel',
      { name: `m-${unique()}`, kind: 'WEBHOOK', url: `${http.url}/hook` },
      'channel { id }',
    );
    await mutate(
      server,
      'createAlertRule',
      { name: `m-${unique()}`, kinds: ['BACKUP_FAILED'], channelIds: [channel.channel.id] },
      'alertRule { id }',
    );

    for (const device of good) await backUp(device.id);
    await backUp(bad.id);
    await server.app.database.db
      .insert(jobs)
      .values({ deviceId: waiting.id, runAfter: new Date(Date.now() + 86_400_000) });
    await eventually(() => http.delivered('/hook').length === 1, 'the failure notification');
    await eventually(
      async () => (await server.app.database.db.select().from(events)).every((event) => event.evaluatedAt),
      'events evaluated',
    );
    const subscription = server
      .ws()
      .subscribe({ query: 'subscription { jobEvents { jobId } }' }, { next() {}, error() {}, complete() {} });
    let families: ReturnType<typeof parsePrometheusTextFormat> = [];
    let text = '';
    await eventually(async () => {
      const response = await fetch(`${server.url}/metrics`, {
        headers: { authorization: `Bearer ${server.adminToken}` },
      });
      text = await response.text();
      families = parsePrometheusTextFormat(text);
      // The receiver sees the POST before the server has counted its outcome: wait for both.
      const delivered = sample(families, 'devicevault_notifications_total', {
        channel_kind: 'WEBHOOK',
        outcome: 'delivered',
      });
      return sample(families, 'devicevault_graphql_subscriptions') === '1' && delivered === '1';
    }, 'the subscription and the delivery counted');
    subscription();

    assert.ok(
      families.find((family) => family.name === 'process_cpu_user_seconds_total'),
      'default process metrics',
    );
    assert.deepEqual(
      {
        succeeded: sample(families, 'devicevault_jobs_total', { status: 'succeeded', plugin: 'noop', error_code: '' }),
        failed: sample(families, 'devicevault_jobs_total', {
          status: 'failed',
          plugin: 'cisco_ios',
          error_code: 'connection_refused',
        }),
        // The parser folds a histogram's label sets together, so its count is read from the text itself.
        durations: /^devicevault_job_duration_seconds_count\{plugin="noop"\} (\d+)$/m.exec(text)?.[1],
        fresh: sample(families, 'devicevault_devices', { state: 'FRESH' }),
        failing: sample(families, 'devicevault_devices', { state: 'FAILING' }),
        never: sample(families, 'devicevault_devices', { state: 'NEVER' }),
        stale: sample(families, 'devicevault_devices', { state: 'STALE' }),
        queue: sample(families, 'devicevault_queue_depth'),
        delivered: sample(families, 'devicevault_notifications_total', {
          channel_kind: 'WEBHOOK',
          outcome: 'delivered',
        }),
        openAlerts: sample(families, 'devicevault_open_alerts'),
        subscriptions: sample(families, 'devicevault_graphql_subscriptions'),
      },
      {
        succeeded: '2',
        failed: '1',
        durations: '2',
        fresh: '2',
        failing: '1',
        never: '1',
        stale: '0',
        queue: '1',
        delivered: '1',
        openAlerts: '1',
        subscriptions: '1',
      },
    );
    const histogram = families.find((family) => family.name === 'devicevault_job_duration_seconds');
    assert.equal(histogram?.type, 'HISTOGRAM');
  });
});
