/**
 * Every way a device session can go wrong ends in the right classified error, quickly: each case replays
 * the IOS recording with one fault injected by the replay server and short timeouts.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { CollectErrorCode } from '../src/errors.js';
import { isCollectError } from '../src/errors.js';
import { loadRecording, type Recording } from '../src/replay/load-recording.js';
import { startReplayServer } from '../src/replay/replay-server.js';
import { ciscoIosPlugin } from '../src/vendors/cisco-ios.js';
import { buildContext, collectFromRecording, credentials, fixturesRoot } from './support/replay-collect.js';

const short = { connectMs: 1000, idleMs: 1000, overallMs: 4000 };

async function assertFailsWith(promise: Promise<unknown>, code: CollectErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isCollectError(error), `expected a CollectError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
}

describe('SSH faults', () => {
  let recording: Recording;

  before(async () => {
    recording = await loadRecording(join(fixturesRoot, 'ios', 'C9200L-24P-4G_17.09.04a.simulation.yaml'));
  });

  it('reports connection_refused when nothing listens', async () => {
    const collecting = collectFromRecording(ciscoIosPlugin, recording, { fault: 'refuse', timeouts: short });

    await assertFailsWith(collecting, 'connection_refused');
  });

  it('reports auth_failed for a wrong password', async () => {
    const collecting = collectFromRecording(ciscoIosPlugin, recording, { password: 'wrong', timeouts: short });

    await assertFailsWith(collecting, 'auth_failed');
  });

  it('reports timeout when the device accepts the login and then never opens a shell', async () => {
    const collecting = collectFromRecording(ciscoIosPlugin, recording, { fault: 'hang_after_auth', timeouts: short });

    await assertFailsWith(collecting, 'timeout');
  });

  it('reports connection_dropped when the channel closes in the middle of the config', async () => {
    const collecting = collectFromRecording(ciscoIosPlugin, recording, { fault: 'drop_mid_output', timeouts: short });

    await assertFailsWith(collecting, 'connection_dropped');
  });

  it('reports timeout when a device drips output slower than the collection deadline allows', async () => {
    const collecting = collectFromRecording(ciscoIosPlugin, recording, {
      fault: 'drip',
      dripIntervalMs: 200,
      timeouts: { ...short, overallMs: 1500 },
    });

    await assertFailsWith(collecting, 'timeout');
  });

  it('reports output_too_large when output never ends', async () => {
    const collecting = collectFromRecording(ciscoIosPlugin, recording, {
      fault: 'flood',
      maxTextBytes: 256 * 1024,
      timeouts: short,
    });

    await assertFailsWith(collecting, 'output_too_large');
  });

  it('reports prompt_not_found when the banner comes but a prompt never does', async () => {
    const collecting = collectFromRecording(ciscoIosPlugin, recording, { fault: 'no_prompt', timeouts: short });

    await assertFailsWith(collecting, 'prompt_not_found');
  });

  it('answers a pager and still stores exactly the expected config', async () => {
    const artefact = await collectFromRecording(ciscoIosPlugin, recording, { fault: 'pager', timeouts: short });

    assert.equal(artefact.kind, 'text');
    assert.equal(artefact.text, recording.expectedOutput);
  });

  it('reports host_key_changed when the device presents a different key than the pinned one', async () => {
    const collecting = collectFromRecording(ciscoIosPlugin, recording, {
      pinnedFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      timeouts: short,
    });

    await assertFailsWith(collecting, 'host_key_changed');
  });

  it('returns the host key it saw, and accepts the same key when pinned', async () => {
    const server = await startReplayServer(recording, credentials);
    try {
      const ctx = buildContext(server.port, { pinnedFingerprint: server.hostKeyFingerprint, timeouts: short });

      const artefact = await ciscoIosPlugin.collect(ctx);

      assert.equal(artefact.hostKeyFingerprint, server.hostKeyFingerprint);
    } finally {
      await server.close();
    }
  });

  it('reports aborted when the caller cancels, and timeout when the caller signals a deadline', async () => {
    const server = await startReplayServer(recording, { ...credentials, fault: 'no_prompt' });
    try {
      const cancelled = new AbortController();
      const ctx = { ...buildContext(server.port, { timeouts: { ...short, idleMs: 5000 } }), signal: cancelled.signal };
      const deadline = { ...ctx, signal: AbortSignal.timeout(200) };

      setTimeout(() => cancelled.abort(), 200);

      await assertFailsWith(ciscoIosPlugin.collect(ctx), 'aborted');
      await assertFailsWith(ciscoIosPlugin.collect(deadline), 'timeout');
    } finally {
      await server.close();
    }
  });
});
