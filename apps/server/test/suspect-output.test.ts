/**
 * Never a broken config as a success: over the real SSH replay server and the real runner, an output cut
 * mid-config (a Junos exec channel that ends normally halfway through `show configuration`; an IOS session
 * that returns to its prompt halfway through `show running-config`), an empty output and one that shrank by more than the allowed share fail as
 * `suspect_output` with the reason in the job log, and nothing new is stored (the previous version stays
 * the latest). A collection group can raise the limit for a device whose config really shrank.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRecording, type Recording } from '@devicevault/plugins/replay/load-recording';
import { type ReplayServer, startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { createCollectionGroup, createDeviceGroup, mutate } from './support/api-builders.js';
import { createCredential, createDevice, jobProgressSubscription, triggerBackup } from './support/builders.js';
import { collectSubscription, startTestServer, type TestServer } from './support/test-server.js';

const fixtures = fileURLToPath(new URL('../../../packages/plugins/fixtures/device-sessions/', import.meta.url));
const login = { username: 'netops', password: 'replay-password-1' };

/** The recording with one command's answer rewritten (its echo and the prompt after it are kept). */
function withAnswer(recording: Recording, command: string, rewrite: (body: string) => string): Recording {
  return {
    ...recording,
    exchanges: recording.exchanges.map((exchange) => {
      if (exchange.input !== `${command}\n`) return exchange;
      const answer = exchange.answer.toString('utf8');
      const bodyStart = answer.indexOf('\n') + 1;
      const promptStart = answer.lastIndexOf('\n') + 1;
      const body = answer.slice(bodyStart, promptStart);
      return {
        ...exchange,
        answer: Buffer.from(answer.slice(0, bodyStart) + rewrite(body) + answer.slice(promptStart)),
      };
    }),
  };
}

async function runJob(server: TestServer, deviceId: string) {
  const triggered = await triggerBackup(server, deviceId);
  await collectSubscription(server.ws(), jobProgressSubscription, { jobId: triggered.job!.id });
  const result = await server.gql(
    `query ($id: ID!) { job(id: $id) { status errorCode errorMessage backup { id } log { message } } }`,
    { id: triggered.job!.id },
  );
  return result.data.job as {
    status: string;
    errorCode: string | null;
    errorMessage: string | null;
    backup: { id: string } | null;
    log: { message: string }[];
  };
}

async function versions(server: TestServer, deviceId: string): Promise<string[]> {
  const result = await server.gql(
    `query ($id: ID!) { device(id: $id) { backups(first: 50) { edges { node { id } } } } }`,
    { id: deviceId },
  );
  return result.data.device.backups.edges.map((edge: { node: { id: string } }) => edge.node.id);
}

describe('suspect output', () => {
  let server: TestServer;
  let credentialId: string;
  const devices: ReplayServer[] = [];

  async function device(recording: Recording) {
    const replay = await startReplayServer(recording, login);
    devices.push(replay);
    return replay;
  }

  before(async () => {
    server = await startTestServer();
    credentialId = (await createCredential(server, { username: login.username, secret: login.password })).id;
  });
  after(async () => {
    await Promise.all(devices.map((replay) => replay.close()));
    await server.stop();
  });

  it('fails an exec session whose config stops mid-way, and keeps the previous version', async () => {
    const recording = await loadRecording(join(fixtures, 'junos/srx300_22.4_wo_cluster.simulation.yaml'));
    const whole = await device(recording);
    const created = await createDevice(server, { pluginKey: 'juniper_junos', port: whole.port, credentialId });
    const first = await runJob(server, created.id);
    // The device ends `show configuration` normally (exit 0) after half of it, as a box under memory pressure does.
    const cut = await device({
      ...recording,
      exchanges: recording.exchanges.map((exchange) =>
        exchange.input.startsWith('show configuration')
          ? { ...exchange, answer: exchange.answer.subarray(0, Math.floor(exchange.answer.length / 2)) }
          : exchange,
      ),
    });
    await mutate(server, 'updateDevice', { id: created.id, port: cut.port }, 'device { id }');

    const job = await runJob(server, created.id);

    assert.equal(first.status, 'succeeded');
    assert.equal(job.status, 'failed');
    assert.equal(job.errorCode, 'suspect_output');
    assert.match(job.log.at(-1)?.message ?? '', /juniper_junos output lacks its end marker/);
    assert.deepEqual(await versions(server, created.id), [first.backup!.id]);
  });

  it('fails an IOS session that returns to its prompt halfway through the running config', async () => {
    const recording = await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml'));
    const halfway = withAnswer(recording, 'show running-config', (body) => body.slice(0, Math.floor(body.length / 2)));
    const replay = await device(halfway);
    const created = await createDevice(server, { pluginKey: 'cisco_ios', port: replay.port, credentialId });

    const job = await runJob(server, created.id);

    assert.equal(job.errorCode, 'suspect_output');
    assert.match(job.errorMessage ?? '', /cisco_ios output lacks its end marker/);
    assert.deepEqual(await versions(server, created.id), []);
  });

  it('fails an empty output', async () => {
    const recording = await loadRecording(join(fixtures, 'junos/srx300_22.4_wo_cluster.simulation.yaml'));
    const silent = await device({
      ...recording,
      exchanges: recording.exchanges.map((exchange) => ({ ...exchange, answer: Buffer.alloc(0) })),
    });
    const created = await createDevice(server, { pluginKey: 'juniper_junos', port: silent.port, credentialId });

    const job = await runJob(server, created.id);

    assert.equal(job.errorCode, 'suspect_output');
    assert.match(job.errorMessage ?? '', /empty output|end marker/);
    assert.deepEqual(await versions(server, created.id), []);
  });

  it('does not take a version shrunk by a remove filter of the user for a broken one', async () => {
    const recording = await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml'));
    const replay = await device(recording);
    const group = await createDeviceGroup(server);
    const created = await createDevice(server, {
      pluginKey: 'cisco_ios',
      port: replay.port,
      credentialId,
      deviceGroupId: group.id,
    });
    const first = await runJob(server, created.id);
    // Everything but the header, hostname and `end`: far more than half of the config.
    await mutate(
      server,
      'createBackupFilter',
      { kind: 'REMOVE_BEFORE_STORING', pattern: '^(?:[^!he]|h[^o]|e[^n])', deviceGroupId: group.id },
      'backupFilter { id }',
    );

    const filtered = await runJob(server, created.id);
    const sizes = await server.gql(
      'query ($id: ID!) { device(id: $id) { backups(first: 5) { edges { node { size } } } } }',
      { id: created.id },
    );

    assert.equal(filtered.status, 'succeeded', filtered.errorMessage ?? '');
    const [latest, earlier] = sizes.data.device.backups.edges.map((edge: { node: { size: number } }) => edge.node.size);
    assert.ok(latest < earlier / 2, `${latest} bytes after the filter, ${earlier} before`);
    assert.notEqual(filtered.backup?.id, first.backup?.id);
  });

  it('fails a config that shrank by more than half, unless its collection group allows it', async () => {
    const recording = await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml'));
    const whole = await device(recording);
    // The same device with most interfaces gone: still a complete config (it ends with `end`), but a third the size.
    const shrunk = await device(
      withAnswer(recording, 'show running-config', (body) => {
        const lines = body.split('\n');
        const end = lines.lastIndexOf('end');
        return [...lines.slice(0, Math.floor(end / 4)), ...lines.slice(end)].join('\n');
      }),
    );
    const group = await createCollectionGroup(server);
    const created = await createDevice(server, { pluginKey: 'cisco_ios', port: whole.port, credentialId });
    await mutate(server, 'updateDevice', { id: created.id, collectionGroupId: group.id }, 'device { id }');
    const first = await runJob(server, created.id);
    await mutate(server, 'updateDevice', { id: created.id, port: shrunk.port }, 'device { id }');

    const refused = await runJob(server, created.id);
    await mutate(server, 'updateCollectionGroup', { id: group.id, maxShrinkPercent: 90 }, 'collectionGroup { id }');
    const allowed = await runJob(server, created.id);

    assert.equal(first.status, 'succeeded');
    assert.equal(refused.errorCode, 'suspect_output');
    assert.match(refused.errorMessage ?? '', /% smaller than the previous version/);
    assert.equal(allowed.status, 'succeeded');
    assert.deepEqual(await versions(server, created.id), [allowed.backup!.id, first.backup!.id]);
  });
});
