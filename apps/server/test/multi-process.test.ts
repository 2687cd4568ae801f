/**
 * Two server processes sharing one PostgreSQL database and data dir (as two replicas would): every job is
 * collected exactly once between them (SKIP LOCKED + leases), and a subscriber on one server hears the
 * progress of jobs run by the other (LISTEN/NOTIFY). PGlite is single-process, so this is PostgreSQL-only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDevice, jobProgressSubscription, type ProgressEvent, triggerBackup } from './support/builders.js';
import { collectSubscription, startTestServer, type TestServer } from './support/test-server.js';

const skip = process.env.DATABASE_URL ? false : 'needs PostgreSQL (DATABASE_URL): PGlite serves one process only';

describe('two servers on one PostgreSQL database', { skip }, () => {
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

  it('collects each of 12 queued jobs exactly once between them', async () => {
    const devices = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        createDevice(first, { name: `shared-${index}`, pluginKey: 'binary_dummy' }),
      ),
    );

    const jobs = await Promise.all(devices.map((device) => triggerBackup(first, device.id)));
    const outcomes = await Promise.all(
      jobs.map((job) =>
        collectSubscription<ProgressEvent>(second.ws(), jobProgressSubscription, { jobId: job.job!.id }),
      ),
    );

    for (const events of outcomes) {
      const statuses = events.map((event) => event.jobProgress.status);
      assert.equal(statuses.at(-1), 'succeeded');
      assert.equal(statuses.filter((status) => status === 'succeeded').length, 1);
    }
    const result = await second.gql(
      '{ devices(first: 50) { edges { node { name backups(first: 5) { edges { node { id } } } } } } }',
    );
    for (const edge of result.data.devices.edges) assert.equal(edge.node.backups.edges.length, 1, edge.node.name);
  });

  it("delivers one server's job progress to a subscriber on the other", async () => {
    const device = await createDevice(first, { name: 'heard-across', pluginKey: 'binary_dummy' });
    const probe = await createDevice(first, { name: 'heard-across-probe', pluginKey: 'binary_dummy' });
    const events: ProgressEvent['jobProgress'][] = [];
    let probeHeard = false;
    const client = second.ws();
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe<{ jobEvents: ProgressEvent['jobProgress'] & { deviceId: string } }>(
        { query: 'subscription { jobEvents { deviceId seq status message errorCode backupId } }' },
        {
          next: (result) => {
            const event = result.data?.jobEvents;
            if (event?.deviceId === probe.id) probeHeard = true;
            if (event?.deviceId !== device.id) return;
            events.push(event);
            if (event.status === 'succeeded') resolve();
          },
          error: reject,
          complete: () => {},
        },
      );
    });
    // The probe's backups prove the subscription is live before the counted one starts (no fixed sleep).
    for (let attempt = 0; !probeHeard && attempt < 20; attempt++) {
      const { job } = await triggerBackup(first, probe.id);
      await collectSubscription(first.ws(), jobProgressSubscription, { jobId: job!.id });
      for (let waited = 0; !probeHeard && waited < 2_000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    await triggerBackup(first, device.id);
    await done;

    assert.deepEqual(
      events.map((event) => event.status).filter((status, index, all) => status !== all[index - 1]),
      ['queued', 'running', 'storing', 'succeeded'],
    );
  });
});
