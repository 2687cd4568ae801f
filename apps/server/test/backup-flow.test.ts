/**
 * The data path end to end over real ports: a mutation queues a backup, a worker collects it over real SSH
 * (or the binary demo plugin), the bytes land in the store, and graphql-ws delivers every step in order.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRecording } from '@devicevault/plugins/replay/load-recording';
import { type ReplayServer, startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { binaryDummyChunks } from '@devicevault/plugins/vendors/binary-dummy';
import {
  createCredential,
  createDevice,
  jobProgressSubscription,
  type ProgressEvent,
  triggerBackup,
} from './support/builders.js';
import { collectSubscription, startTestServer, type TestServer } from './support/test-server.js';

const fixtures = fileURLToPath(new URL('../../../packages/plugins/fixtures/device-sessions/', import.meta.url));
const canarySecret = `canary-${Math.random().toString(36).slice(2)}-secret`;

function sha256(bytes: Buffer | string) {
  return createHash('sha256').update(bytes).digest('hex');
}

function distinctStatuses(events: ProgressEvent[]) {
  return events.map((event) => event.jobProgress.status).filter((status, index, all) => status !== all[index - 1]);
}

async function storedBlob(server: TestServer, backupId: string) {
  const result = await server.gql(`query ($id: ID!) { backup(id: $id) { sha256 size isBinary changed } }`, {
    id: backupId,
  });
  const backup = result.data.backup as { sha256: string; size: number; isBinary: boolean; changed: boolean };
  const bytes = await readFile(
    join(server.dataDir, 'blobs', backup.sha256.slice(0, 2), backup.sha256.slice(2, 4), backup.sha256),
  );
  return { backup, bytes };
}

describe('a backup triggered over GraphQL', () => {
  let server: TestServer;
  let device: ReplayServer;
  const recordingPath = join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml');

  before(async () => {
    server = await startTestServer();
    device = await startReplayServer(await loadRecording(recordingPath), {
      username: 'netops',
      password: canarySecret,
    });
  });

  after(async () => {
    await device.close();
    await server.stop();
  });

  it('collects an SSH device and streams queued → running → storing → succeeded over graphql-ws', async () => {
    const credential = await createCredential(server, { username: 'netops', secret: canarySecret });
    const created = await createDevice(server, {
      pluginKey: 'cisco_ios',
      port: device.port,
      credentialId: credential.id,
    });
    const expected = await readFile(recordingPath.replace('.simulation.yaml', '.output.txt'));

    const triggered = await triggerBackup(server, created.id);
    const events = await collectSubscription<ProgressEvent>(server.ws(), jobProgressSubscription, {
      jobId: triggered.job!.id,
    });

    assert.equal(triggered.__typename, 'TriggerBackupSuccess');
    assert.deepEqual(distinctStatuses(events), ['queued', 'running', 'storing', 'succeeded']);
    assert.deepEqual(
      events.map((event) => event.jobProgress.seq),
      events.map((_, index) => index),
    );
    const backupId = events.at(-1)!.jobProgress.backupId!;
    const { backup, bytes } = await storedBlob(server, backupId);
    assert.equal(backup.isBinary, false);
    assert.equal(sha256(bytes), sha256(expected));
    assert.equal(backup.sha256, sha256(expected));
    const content = await server.gql(`query ($id: ID!) { backup(id: $id) { content } }`, { id: backupId });
    assert.equal(content.data.backup.content, expected.toString('utf8'));
  });

  it('pins the host key on first use and records an unchanged second version without a new blob', async () => {
    const credential = await createCredential(server, { username: 'netops', secret: canarySecret });
    const created = await createDevice(server, {
      pluginKey: 'cisco_ios',
      port: device.port,
      credentialId: credential.id,
    });

    for (const _ of [1, 2]) {
      const { job } = await triggerBackup(server, created.id);
      await collectSubscription(server.ws(), jobProgressSubscription, { jobId: job!.id });
    }
    const result = await server.gql(
      `query ($id: ID!) { device(id: $id) { hostKeyFingerprint backups(first: 5) { edges { node { changed sha256 } } } } }`,
      { id: created.id },
    );

    assert.equal(result.data.device.hostKeyFingerprint, device.hostKeyFingerprint);
    const versions = result.data.device.backups.edges.map((edge: { node: { changed: boolean } }) => edge.node.changed);
    assert.deepEqual(versions, [false, true]);
  });

  it('fails with host_key_changed when the device presents another key, until the pinned key is forgotten', async () => {
    const recording = await loadRecording(recordingPath);
    const original = await startReplayServer(recording, { username: 'netops', password: canarySecret });
    const credential = await createCredential(server, { username: 'netops', secret: canarySecret });
    const created = await createDevice(server, {
      pluginKey: 'cisco_ios',
      port: original.port,
      credentialId: credential.id,
    });
    const backUp = async () => {
      const { job } = await triggerBackup(server, created.id);
      const events = await collectSubscription<ProgressEvent>(server.ws(), jobProgressSubscription, { jobId: job!.id });
      return events.at(-1)!.jobProgress;
    };
    assert.equal((await backUp()).status, 'succeeded');
    await original.close();
    // The same address now answers with another host key, as after a re-image or a man in the middle.
    const replaced = await startReplayServer(recording, {
      username: 'netops',
      password: canarySecret,
      port: original.port,
    });
    try {
      const refused = await backUp();
      await server.gql('mutation ($input: UpdateDeviceInput!) { updateDevice(input: $input) { __typename } }', {
        input: { id: created.id, forgetHostKey: true },
      });
      const accepted = await backUp();

      assert.deepEqual([refused.status, refused.errorCode], ['failed', 'host_key_changed']);
      assert.equal(accepted.status, 'succeeded');
      const result = await server.gql('query ($id: ID!) { device(id: $id) { hostKeyFingerprint } }', {
        id: created.id,
      });
      assert.equal(result.data.device.hostKeyFingerprint, replaced.hostKeyFingerprint);
      assert.notEqual(replaced.hostKeyFingerprint, original.hostKeyFingerprint);
    } finally {
      await replaced.close();
    }
  });

  it('stores the binary demo image as exactly 1 MiB of the expected bytes', async () => {
    const created = await createDevice(server, { pluginKey: 'binary_dummy' });
    const expected = Buffer.concat([...binaryDummyChunks()]);

    const { job } = await triggerBackup(server, created.id);
    const events = await collectSubscription<ProgressEvent>(server.ws(), jobProgressSubscription, { jobId: job!.id });

    assert.deepEqual(distinctStatuses(events), ['queued', 'running', 'storing', 'succeeded']);
    const { backup, bytes } = await storedBlob(server, events.at(-1)!.jobProgress.backupId!);
    assert.equal(backup.isBinary, true);
    assert.equal(backup.size, 1024 * 1024);
    assert.equal(bytes.length, 1024 * 1024);
    assert.equal(sha256(bytes), sha256(expected));
    assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfe]);
    assert.equal(bytes.subarray(2, 22).toString('ascii'), 'FIRMWARE_HEADER_DEMO');
  });

  it('refuses to show binary content as text', async () => {
    const created = await createDevice(server, { pluginKey: 'binary_dummy' });
    const { job } = await triggerBackup(server, created.id);
    const events = await collectSubscription<ProgressEvent>(server.ws(), jobProgressSubscription, { jobId: job!.id });

    const result = await server.gql(`query ($id: ID!) { backup(id: $id) { content } }`, {
      id: events.at(-1)!.jobProgress.backupId,
    });

    assert.equal(result.errors?.[0]?.message, 'This backup is binary; use downloadUrl to fetch it.');
  });

  it('never shows the device password in a response or a log line', () => {
    assert.ok(server.responses.length > 0 && server.logLines.length > 0);
    for (const body of server.responses) assert.ok(!body.includes(canarySecret), `response leaked the secret: ${body}`);
    for (const line of server.logLines) assert.ok(!line.includes(canarySecret), `log leaked the secret: ${line}`);
  });
});
