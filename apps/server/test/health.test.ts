/** The operational endpoints: a public health probe and token-protected Prometheus metrics. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDevice, jobProgressSubscription, triggerBackup } from './support/builders.js';
import { collectSubscription, startTestServer, type TestServer } from './support/test-server.js';

describe('health and metrics', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('answers /healthz without credentials once the database answers', async () => {
    const response = await fetch(`${server.url}/healthz`);

    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok', database: server.databaseUrl ? 'postgres' : 'pglite' });
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  });

  it('refuses /metrics without a token', async () => {
    const response = await fetch(`${server.url}/metrics`);

    assert.equal(response.status, 401);
  });

  it('counts devices and jobs by status in /metrics', async () => {
    const device = await createDevice(server, { pluginKey: 'binary_dummy' });
    const { job } = await triggerBackup(server, device.id);
    await collectSubscription(server.ws(), jobProgressSubscription, { jobId: job!.id });

    const response = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    const text = await response.text();

    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(text, /^devicevault_devices\{state="FRESH"\} 1$/m);
    assert.match(text, /^devicevault_jobs_total\{status="succeeded",plugin="binary_dummy",error_code=""\} 1$/m);
  });
});
