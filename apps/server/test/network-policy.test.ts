/**
 * The device network policy through the API and the job runner: admins read and replace it (a bad CIDR is a
 * ValidationError naming the list), and a job for a device on a denied network fails with target_denied
 * without a packet reaching the device (a listener counts connections), also when the device is a name that
 * resolves to a denied address. Runs on PGlite, and on PostgreSQL when DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { mutate } from './support/api-builders.js';
import {
  createCredential,
  createDevice,
  jobProgressSubscription,
  type ProgressEvent,
  triggerBackup,
} from './support/builders.js';
import { collectSubscription, startTestServer, type TestServer } from './support/test-server.js';

const policySelection = 'networkPolicy { allow deny }';

describe('the network policy', () => {
  let server: TestServer;
  let listener: Server;
  let listenerPort: number;
  let connections = 0;
  let credentialId: string;

  before(async () => {
    server = await startTestServer();
    credentialId = (await createCredential(server, { username: 'netops', secret: 'pw' })).id;
    listener = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    listener.listen(0, '127.0.0.1');
    await once(listener, 'listening');
    const address = listener.address();
    listenerPort = typeof address === 'object' && address ? address.port : 0;
  });

  after(async () => {
    listener.close();
    await server.stop();
  });

  /** Connects once itself and waits for it: a connection from the job would have arrived before this one. */
  async function connectionsBeforeProbe(): Promise<number> {
    const seen = connections;
    const probe = connect(listenerPort, '127.0.0.1');
    probe.on('error', () => {});
    while (connections === seen) await new Promise((resolve) => setTimeout(resolve, 10));
    probe.destroy();
    return seen;
  }

  async function backUpDevice(host: string, pluginKey = 'cisco_ios', options: Record<string, string> = {}) {
    const device = await createDevice(server, { host, port: listenerPort, pluginKey, options, credentialId });
    const { job } = await triggerBackup(server, device.id);
    const events = await collectSubscription<ProgressEvent>(server.ws(), jobProgressSubscription, { jobId: job!.id });
    return events.at(-1)!.jobProgress;
  }

  it('starts with link-local and cloud metadata denied and nothing else restricted', async () => {
    const result = await server.gql('{ networkPolicy { allow deny defaultDeny } }');

    assert.deepEqual(result.data?.networkPolicy.allow, []);
    assert.ok(result.data?.networkPolicy.deny.includes('169.254.0.0/16'));
    assert.ok(result.data?.networkPolicy.deny.includes('metadata.google.internal'));
    assert.deepEqual(result.data?.networkPolicy.deny, result.data?.networkPolicy.defaultDeny);
  });

  it('refuses a list with an invalid CIDR as a ValidationError naming the list, and keeps the policy', async () => {
    const payload = await mutate(
      server,
      'updateNetworkPolicy',
      { deny: ['10.0.0.0/8', '10.0.0.0/40'] },
      policySelection,
    );

    assert.equal(payload.__typename, 'ValidationError');
    assert.equal(payload.field, 'deny');
    assert.match(payload.message ?? '', /10\.0\.0\.0\/40/);
    const after = await server.gql('{ networkPolicy { deny } }');
    assert.ok(after.data?.networkPolicy.deny.includes('169.254.0.0/16'));
  });

  it('fails a job for a device on a denied network with target_denied, sending nothing to it', async () => {
    const updated = await mutate<{ networkPolicy: { deny: string[] } }>(
      server,
      'updateNetworkPolicy',
      { deny: ['127.0.0.0/8', '::1', '169.254.0.0/16'] },
      policySelection,
    );
    assert.equal(updated.__typename, 'UpdateNetworkPolicySuccess');

    const byAddress = await backUpDevice('127.0.0.1');
    const byName = await backUpDevice('localhost');
    const overTftp = await backUpDevice('localhost', 'tftp_file', { path: 'startup-config' });

    for (const last of [byAddress, byName, overTftp]) {
      assert.deepEqual(
        { status: last.status, errorCode: last.errorCode },
        { status: 'failed', errorCode: 'target_denied' },
      );
    }
    assert.equal(await connectionsBeforeProbe(), 0);
  });

  it('reaches the device again once its network is no longer denied, from the next job on', async () => {
    await mutate(server, 'updateNetworkPolicy', { deny: ['169.254.0.0/16'] }, policySelection);

    const last = await backUpDevice('127.0.0.1');

    assert.equal(last.status, 'failed');
    assert.notEqual(last.errorCode, 'target_denied');
    assert.ok((await connectionsBeforeProbe()) >= 1, 'the device was never reached');
  });
});
