/**
 * Reading a file over SCP (APC's config.ini), against the replay server's SCP source: the bytes arrive
 * whole, and a file the device does not have is `file_not_found`.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { isCollectError } from '../src/errors.js';
import { loadRecording, type Recording } from '../src/replay/load-recording.js';
import { startReplayServer } from '../src/replay/replay-server.js';
import { scpReadFile } from '../src/transports/scp-download.js';
import { connectSsh } from '../src/transports/ssh-connection.js';
import { buildContext, credentials, fixturesRoot } from './support/replay-collect.js';

const patient = { connectMs: 60_000, idleMs: 60_000, overallMs: 120_000 };

async function readOverScp(recording: Recording, path: string): Promise<Buffer> {
  const server = await startReplayServer(recording, credentials);
  const ctx = buildContext(server.port, { timeouts: patient });
  const connection = await connectSsh(ctx.target, ctx);
  try {
    return await scpReadFile(connection.client, path, ctx);
  } finally {
    connection.close();
    await server.close();
  }
}

describe('SCP download', () => {
  let recording: Recording;

  before(async () => {
    recording = await loadRecording(join(fixturesRoot, 'apcaos', 'SMT750IC_v2.5.0.8.custom_simulation.yaml'));
  });

  it('reads a whole file over scp -f', async () => {
    const expected = recording.exchanges.find((exchange) => exchange.input === 'config.ini')?.answer;

    const file = await readOverScp(recording, 'config.ini');

    assert.ok(expected && expected.length > 100);
    assert.deepEqual(file, expected);
  });

  it('reports file_not_found for a file the device does not have', async () => {
    const reading = readOverScp(recording, 'missing.ini');

    await assert.rejects(reading, (error: unknown) => {
      assert.ok(isCollectError(error));
      assert.equal(error.code, 'file_not_found', error.message);
      return true;
    });
  });
});
