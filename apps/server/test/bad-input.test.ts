/** Bad input gets a typed, specific answer and changes nothing; unreachable devices fail with a classified code. */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRecording } from '@devicevault/plugins/replay/load-recording';
import { type ReplayServer, startReplayServer } from '@devicevault/plugins/replay/replay-server';
import {
  createCredential,
  createDevice,
  createDeviceMutation,
  jobProgressSubscription,
  type ProgressEvent,
  triggerBackup,
} from './support/builders.js';
import { collectSubscription, startTestServer, type TestServer } from './support/test-server.js';

const fixtures = fileURLToPath(new URL('../../../packages/plugins/fixtures/device-sessions/', import.meta.url));

async function deviceCount(server: TestServer) {
  const result = await server.gql('{ devices(first: 100) { edges { node { id } } } }');
  return result.data.devices.edges.length as number;
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('createDevice with bad input', () => {
  let server: TestServer;
  let credentialId: string;

  before(async () => {
    server = await startTestServer();
    credentialId = (await createCredential(server, { username: 'u', secret: 'p' })).id;
  });
  after(() => server.stop());

  const cases = [
    { name: 'an invalid host', input: { host: 'not a host!' }, field: 'host' },
    { name: 'a host that is a broken IPv4 address', input: { host: '300.1.2.3' }, field: 'host' },
    { name: 'a port above 65535', input: { port: 70000 }, field: 'port' },
    { name: 'port zero', input: { port: 0 }, field: 'port' },
    { name: 'an unknown plugin key', input: { pluginKey: 'cisco_nonsense' }, field: 'pluginKey' },
    { name: 'an empty name', input: { name: '  ' }, field: 'name' },
  ];

  for (const { name, input, field } of cases) {
    it(`rejects ${name} with a ValidationError naming "${field}" and inserts nothing`, async () => {
      const before = await deviceCount(server);

      const result = await server.gql(createDeviceMutation, {
        input: { name: 'edge-1', host: '192.0.2.1', port: 22, pluginKey: 'cisco_ios', credentialId, ...input },
      });

      assert.equal(result.data.createDevice.__typename, 'ValidationError');
      assert.equal(result.data.createDevice.field, field);
      assert.ok(result.data.createDevice.message.length > 0);
      assert.equal(await deviceCount(server), before);
    });
  }

  it('accepts IPv4, IPv6 and DNS names', async () => {
    for (const host of ['192.0.2.10', '2001:db8::1', 'core-sw1.example.net']) {
      const device = await createDevice(server, { host, pluginKey: 'cisco_ios', credentialId });
      assert.ok(device.id);
    }
  });

  it('answers NotFoundError when triggering a backup of an unknown device', async () => {
    const result = await triggerBackup(server, '00000000-0000-4000-8000-000000000000');

    assert.equal(result.__typename, 'NotFoundError');
    assert.match(result.message!, /does not exist/);
  });
});

describe('a backup of a device that cannot be collected', () => {
  let server: TestServer;
  let device: ReplayServer;

  before(async () => {
    // A server default far beyond any test's patience: a hang stopped in time was stopped by its group's timeout.
    server = await startTestServer({ jobTimeoutSeconds: 3_600 });
    const recording = await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml'));
    device = await startReplayServer(recording, { username: 'netops', password: 'right-password' });
  });
  after(async () => {
    await device.close();
    await server.stop();
  });

  async function backupOutcome(port: number, secret: string) {
    const credential = await createCredential(server, { username: 'netops', secret });
    const created = await createDevice(server, { pluginKey: 'cisco_ios', port, credentialId: credential.id });
    const { job } = await triggerBackup(server, created.id);
    const events = await collectSubscription<ProgressEvent>(server.ws(), jobProgressSubscription, { jobId: job!.id });
    const result = await server.gql(
      'query ($id: ID!) { job(id: $id) { status errorCode errorMessage backup { id } } }',
      {
        id: job!.id,
      },
    );
    return { last: events.at(-1)!.jobProgress, job: result.data.job };
  }

  it('fails with connection_refused when nothing listens on the port', async () => {
    const { last, job } = await backupOutcome(await closedPort(), 'right-password');

    assert.equal(last.status, 'failed');
    assert.equal(last.errorCode, 'connection_refused');
    assert.deepEqual(
      { status: job.status, errorCode: job.errorCode, backup: job.backup },
      {
        status: 'failed',
        errorCode: 'connection_refused',
        backup: null,
      },
    );
  });

  it("stops a device that hangs after login at its collection group's timeout, not the server default", async () => {
    const recording = await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml'));
    const hanging = await startReplayServer(recording, { username: 'netops', password: 'p', fault: 'hang_after_auth' });
    try {
      const group = await server.gql(
        // One attempt: a timeout is retried (after 30 s, then 60 s), which this test is not about.
        `mutation { createCollectionGroup(input: { name: "fast", timeoutSeconds: 2, maxAttempts: 1 }) {
          ... on CreateCollectionGroupSuccess { collectionGroup { id } } } }`,
      );
      const credential = await createCredential(server, { username: 'netops', secret: 'p' });
      const created = await server.gql(createDeviceMutation, {
        input: {
          name: 'hangs-after-login',
          host: '127.0.0.1',
          port: hanging.port,
          pluginKey: 'cisco_ios',
          credentialId: credential.id,
          collectionGroupId: group.data.createCollectionGroup.collectionGroup.id,
        },
      });
      const { job } = await triggerBackup(server, created.data.createDevice.device.id);
      const events = await collectSubscription<ProgressEvent>(server.ws(), jobProgressSubscription, { jobId: job!.id });
      const failed = await server.gql('query ($id: ID!) { job(id: $id) { errorMessage } }', { id: job!.id });

      assert.equal(events.at(-1)!.jobProgress.errorCode, 'timeout');
      // The group's 2 s budget ended it: the overall deadline, or an idle limit capped at 2000 ms (under the
      // server default the idle limit is 30000 ms and would have ended it instead).
      assert.match(failed.data.job.errorMessage, /ran past its deadline|after its timeout|2000 ms/);
    } finally {
      await hanging.close();
    }
  });

  it('fails with auth_failed when the password is wrong', async () => {
    const { job } = await backupOutcome(device.port, 'wrong-password');

    assert.equal(job.status, 'failed');
    assert.equal(job.errorCode, 'auth_failed');
    assert.equal(job.backup, null);
  });
});
