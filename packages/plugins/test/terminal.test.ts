/**
 * The terminal a shell plugin asks for is Oxidized's: Net::SSH's vt100 of 80×24 unless the model sets
 * `pty_options` (AOS-CX and ProCurve 1000 columns, PurityOS a dumb terminal). Devices that wrap at the width
 * store Oxidized's bytes only with Oxidized's width; replay doesn't depend on it, so the request itself is checked.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { BackupPlugin } from '../src/contract.js';
import { loadRecording } from '../src/replay/load-recording.js';
import { startReplayServer } from '../src/replay/replay-server.js';
import { arubaAoscxPlugin } from '../src/vendors/aruba-aoscx.js';
import { ciscoIosPlugin } from '../src/vendors/cisco-ios.js';
import { purestoragePurityosPlugin } from '../src/vendors/purestorage-purityos.js';
import { buildContext, credentials, fixturesRoot } from './support/replay-collect.js';

async function ptyRequestOf(plugin: BackupPlugin, session: string) {
  const recording = await loadRecording(join(fixturesRoot, `${session}.simulation.yaml`));
  const server = await startReplayServer(recording, credentials);
  try {
    const artefact = await plugin.collect(buildContext(server.port, { timeouts: { idleMs: 30_000 } }));
    assert.equal(artefact.kind, 'text');
    assert.equal(artefact.text, recording.expectedOutput);
    return server.ptyRequests;
  } finally {
    await server.close();
  }
}

describe('shell terminal', () => {
  it("asks for Oxidized's default vt100 of 80 columns where the model sets nothing", async () => {
    const requests = await ptyRequestOf(ciscoIosPlugin, 'ios/C9200L-24P-4G_17.09.04a');

    assert.deepEqual(requests, [{ term: 'vt100', cols: 80, rows: 24 }]);
  });

  it('asks for 1000 columns on AOS-CX, as its Oxidized model does', async () => {
    const requests = await ptyRequestOf(arubaAoscxPlugin, 'aoscx/6000-48G_PL.10.13.0005');

    assert.deepEqual(requests, [{ term: 'vt100', cols: 1000, rows: 24 }]);
  });

  it('asks for a dumb terminal on PurityOS, as its Oxidized model does', async () => {
    const requests = await ptyRequestOf(purestoragePurityosPlugin, 'purityos/FlashArray_6.1.12_documented');

    assert.deepEqual(requests, [{ term: 'dumb', cols: 80, rows: 24 }]);
  });
});
