/**
 * `activity` (the overview's charts, issue 15 item 1): a succeeded backup, a failed one and the version stored
 * show in this hour's and today's bucket, counted on the server; every hour of the range is there (zeros
 * included); a viewer of another group counts none of them; a range past the limit is refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDeviceGroup, createUserAndSignIn } from './support/api-builders.js';
import { createCredential, createDevice, jobProgressSubscription, triggerBackup } from './support/builders.js';
import { collectSubscription, startTestServer, type TestServer } from './support/test-server.js';

interface Bucket {
  start: string;
  succeeded: number;
  failed: number;
  versions: number;
}

const query = `query ($from: DateTime!, $interval: ActivityInterval!) {
  activity(from: $from, interval: $interval) { start succeeded failed versions }
}`;

describe('activity', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  async function backUp(deviceId: string) {
    const { job } = await triggerBackup(server, deviceId);
    await collectSubscription(server.ws(), jobProgressSubscription, { jobId: job!.id });
  }

  it('counts succeeded and failed backups and stored versions per hour and day, for the caller’s groups', async () => {
    const groupA = await createDeviceGroup(server);
    const groupB = await createDeviceGroup(server);
    const good = await createDevice(server, { pluginKey: 'binary_dummy', deviceGroupId: groupA.id });
    // Nothing listens on port 1: the backup fails as connection_refused.
    const credential = await createCredential(server, { username: 'netops', secret: 'not-used' });
    const bad = await createDevice(server, {
      pluginKey: 'cisco_ios',
      port: 1,
      credentialId: credential.id,
      deviceGroupId: groupA.id,
    });
    await backUp(good.id);
    await backUp(bad.id);
    const viewerB = await createUserAndSignIn(server, 'viewer', [groupB.id]);

    const from = new Date(Date.now() - 5 * 3_600_000).toISOString();
    const hourly = (await server.gql<{ activity: Bucket[] }>(query, { from, interval: 'HOUR' })).data!.activity;
    assert.ok(hourly.length >= 6 && hourly.length <= 7, `one bucket per hour, got ${hourly.length}`);
    const sum = (buckets: Bucket[], key: keyof Omit<Bucket, 'start'>) => buckets.reduce((n, b) => n + b[key], 0);
    assert.equal(sum(hourly, 'succeeded'), 1);
    assert.equal(sum(hourly, 'failed'), 1);
    assert.equal(sum(hourly, 'versions'), 1);
    assert.equal(hourly.at(-1)!.succeeded + hourly.at(-2)!.succeeded, 1, 'in the latest hours');

    const daily = (
      await server.gql<{ activity: Bucket[] }>(query, {
        from: new Date(Date.now() - 29 * 86_400_000).toISOString(),
        interval: 'DAY',
      })
    ).data!.activity;
    assert.equal(daily.length, 30);
    assert.equal(sum(daily, 'succeeded'), 1);

    const seenByB = (await server.gql<{ activity: Bucket[] }>(query, { from, interval: 'HOUR' }, viewerB.token)).data!
      .activity;
    assert.equal(sum(seenByB, 'succeeded') + sum(seenByB, 'failed') + sum(seenByB, 'versions'), 0);

    const tooLong = await server.gql(query, {
      from: new Date(Date.now() - 60 * 86_400_000).toISOString(),
      interval: 'HOUR',
    });
    assert.equal(tooLong.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });
});
