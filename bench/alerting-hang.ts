/**
 * Delivery never slows collections (issue 12): the same workload (100 replayed IOS devices that back up and
 * 100 whose login fails; with 30 and 30 a run lasted about a second and its rounds spread 0.83–1.17) with no
 * alert rules, and with a BACKUP_FAILED rule whose webhook receiver hangs 30 s
 * before answering every request (the send timeout raised to 60 s so it really waits). Prints the time until
 * every job ended in each case and their ratio (no-alert time / alert time; goal ≥ 0.95): the two servers
 * run side by side in each round so other load on the machine hits both; the median of five rounds. `DATABASE_URL=…` for PostgreSQL.
 */
import { join } from 'node:path';
import type { Listenable } from '@devicevault/schema/direct-delivery';
import { startHttpReceiver } from '../apps/server/test/support/alert-receivers.js';
import { loadRecording } from '../packages/plugins/src/replay/load-recording.js';
import { startReplayServer } from '../packages/plugins/src/replay/replay-server.js';
import { fixturesRoot } from '../packages/plugins/test/support/replay-collect.js';
import { startBenchApp } from './support/bench-app.js';

const good = 100;
const bad = 100;
const rounds = 5;

const recording = await loadRecording(join(fixturesRoot, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml'));
const replay = await startReplayServer(recording, { username: 'netops', password: 'bench-password' });
const receiver = await startHttpReceiver();
receiver.hang(30_000);

/** Sets up one server with the workload; `run` triggers every device and resolves with the time until all jobs ended. */
async function prepare(withAlerts: boolean) {
  const bench = await startBenchApp({ workers: 2, notifyTimeoutSeconds: 60 });
  {
    const gql = async (query: string, variables: Record<string, unknown> = {}) => {
      const result = await bench.gql(query, variables);
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return result.data;
    };
    const credential = async (secret: string) =>
      (
        await gql(
          'mutation ($input: CreateCredentialInput!) { createCredential(input: $input) { ... on CreateCredentialSuccess { credential { id } } } }',
          { input: { name: `c-${secret}`, username: 'netops', secret } },
        )
      ).createCredential.credential.id as string;
    const right = await credential('bench-password');
    const wrong = await credential('not-the-password');
    const deviceIds: string[] = [];
    for (let i = 0; i < good + bad; i++) {
      const created = await gql(
        'mutation ($input: CreateDeviceInput!) { createDevice(input: $input) { ... on CreateDeviceSuccess { device { id } } } }',
        {
          input: {
            name: `d-${i}`,
            host: '127.0.0.1',
            port: replay.port,
            pluginKey: 'cisco_ios',
            credentialId: i < good ? right : wrong,
          },
        },
      );
      deviceIds.push(created.createDevice.device.id);
    }
    if (withAlerts) {
      const channel = await gql(
        'mutation ($input: CreateNotificationChannelInput!) { createNotificationChannel(input: $input) { ... on CreateNotificationChannelSuccess { channel { id } } } }',
        { input: { name: 'hanging', kind: 'WEBHOOK', url: `${receiver.url}/hang` } },
      );
      await gql('mutation ($input: CreateAlertRuleInput!) { createAlertRule(input: $input) { __typename } }', {
        input: {
          name: 'failures',
          kinds: ['BACKUP_FAILED'],
          channelIds: [channel.createNotificationChannel.channel.id],
        },
      });
    }
    // Jobs end when their final line is published: watched in process, as polling each job over GraphQL every
    // 20 ms (3,000 requests a second) loaded the server it measured and spread the rounds from 5 to 12 s.
    const ended = new Set<string>();
    let onEnded = () => {};
    const tap = bench.app.pubsub.subscribe('jobEvents') as unknown as Listenable<{ jobId: string; status: string }>;
    tap.listen((event) => {
      if (event.status !== 'succeeded' && event.status !== 'failed') return;
      ended.add(event.jobId);
      onEnded();
    });
    const run = async () => {
      const started = performance.now();
      const allEnded = new Promise<void>((resolve) => {
        onEnded = () => ended.size >= deviceIds.length && resolve();
      });
      const triggered = await gql(
        'mutation ($input: TriggerBackupInput!) { triggerBackup(input: $input) { ... on TriggerBackupSuccess { queuedCount } } }',
        { input: { deviceIds } },
      );
      if (triggered.triggerBackup.queuedCount !== deviceIds.length) throw new Error(JSON.stringify(triggered));
      await allEnded;
      return performance.now() - started;
    };
    return {
      run,
      stop: async () => {
        await tap.return();
        await bench.stop();
      },
    };
  }
}

// Both servers run their workload at the same time, so load from anything else on the machine hits both.
const plain: number[] = [];
const alerted: number[] = [];
const ratios: number[] = [];
for (let round = 0; round < rounds; round++) {
  const [without, withAlerts] = await Promise.all([prepare(false), prepare(true)]);
  const [a, b] = await Promise.all([without.run(), withAlerts.run()]);
  plain.push(a);
  alerted.push(b);
  ratios.push(a / b);
  await Promise.all([without.stop(), withAlerts.stop()]);
}
await replay.close();
await receiver.close();
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ratio = median(ratios);
console.log(
  `${good + bad} collections (${bad} failing, each failure notifying a receiver that hangs 30 s): ` +
    `${(median(alerted) / 1000).toFixed(2)} s with alerts vs ${(median(plain) / 1000).toFixed(2)} s without ` +
    `(rounds: ${alerted.map((ms) => (ms / 1000).toFixed(2)).join(', ')} / ${plain.map((ms) => (ms / 1000).toFixed(2)).join(', ')}); ` +
    `median of the rounds' ratios ${ratio.toFixed(2)} [${ratios.map((r) => r.toFixed(2)).join(', ')}] (goal ≥ 0.95: ${ratio >= 0.95 ? 'met' : 'NOT met'}); ${receiver.posts.length} notifications answered so far`,
);
process.exit(0);
