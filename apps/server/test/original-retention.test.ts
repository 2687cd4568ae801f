/**
 * Restorable originals follow their versions: an unchanged original is stored once (found again by its keyed
 * hash), and once retention has removed the versions that refer to it, the pruner's garbage collection
 * removes the encrypted blob too, so retention limits how long secrets are kept.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRecording } from '@devicevault/plugins/replay/load-recording';
import { type ReplayServer, startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { backups } from '@devicevault/schema/db/tables';
import { eq } from 'drizzle-orm';
import { createPruner } from '../src/jobs/pruner.js';
import { createLogger } from '../src/log.js';
import { mutate } from './support/api-builders.js';
import { createCredential, createDevice, jobProgressSubscription, triggerBackup } from './support/builders.js';
import { registryFor } from './support/seed-versions.js';
import { collectSubscription, startTestServer, type TestServer } from './support/test-server.js';

const fixtures = fileURLToPath(new URL('../../../packages/plugins/fixtures/device-sessions/', import.meta.url));
const login = { username: 'netops', password: 'replay-password-3' };

async function blobsUnder(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).length;
}

describe('restorable originals and retention', () => {
  let server: TestServer;
  let replay: ReplayServer;

  before(async () => {
    server = await startTestServer();
    replay = await startReplayServer(
      await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml')),
      login,
    );
  });
  after(async () => {
    await replay.close();
    await server.stop();
  });

  it('stores an unchanged original once and removes it when its versions are gone', async () => {
    const credential = await createCredential(server, { username: login.username, secret: login.password });
    const device = await createDevice(server, {
      pluginKey: 'cisco_ios',
      port: replay.port,
      credentialId: credential.id,
    });
    await mutate(server, 'updateDevice', { id: device.id, scrubSecrets: true }, 'device { id }');
    const originals = join(server.dataDir, 'originals');

    for (let run = 0; run < 2; run += 1) {
      const triggered = await triggerBackup(server, device.id);
      const events = await collectSubscription<{ jobProgress: { status: string } }>(
        server.ws(),
        jobProgressSubscription,
        {
          jobId: triggered.job!.id,
        },
      );
      assert.equal(events.at(-1)?.jobProgress.status, 'succeeded');
    }
    const kept = await blobsUnder(originals);
    const versions = await server.gql(
      'query ($id: ID!) { device(id: $id) { backups(first: 5) { edges { node { hasRestorableOriginal } } } } }',
      { id: device.id },
    );
    // What retention does to versions it no longer keeps (their originals' rows cascade).
    await server.app.database.db.delete(backups).where(eq(backups.deviceId, device.id));
    const pruner = createPruner({
      db: server.app.database.db,
      storage: registryFor(server),
      log: createLogger('silent'),
      intervalMs: 3_600_000,
      graceMs: 0,
    });
    const collected = await pruner.collectGarbage();

    assert.deepEqual(
      versions.data.device.backups.edges.map((edge: { node: { hasRestorableOriginal: boolean } }) => edge.node),
      [{ hasRestorableOriginal: true }, { hasRestorableOriginal: true }],
    );
    assert.equal(kept, 1, 'two versions with the same original share one encrypted blob');
    assert.ok(collected.removed >= 1);
    assert.equal(await blobsUnder(originals), 0);
  });
});
