/**
 * Every way a device session can go wrong ends in the right classified error: each case replays the IOS
 * recording with one fault injected by the replay server. Timeouts are short only where a timeout is what
 * the case is about; elsewhere they are generous, so a busy machine can't turn the expected error into one.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { CollectErrorCode } from '../src/errors.js';
import { isCollectError } from '../src/errors.js';
import { loadRecording, type Recording } from '../src/replay/load-recording.js';
import { startReplayServer } from '../src/replay/replay-server.js';
import { ciscoIosPlugin } from '../src/vendors/cisco-ios.js';
import { mikrotikRouterosPlugin } from '../src/vendors/mikrotik-routeros.js';
import type { FloodChildResult } from './support/flood-child.js';
import { buildContext, collectFromRecording, credentials, fixturesRoot } from './support/replay-collect.js';

const patient = { connectMs: 60_000, idleMs: 60_000, overallMs: 120_000 };
/** A second of silence is the fault itself in these cases (a shell or prompt that never comes). */
const shortIdle = { ...patient, idleMs: 1000 };

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
    const collecting = collectFromRecording(ciscoIosPlugin, recording, { fault: 'refuse', timeouts: patient });

    await assertFailsWith(collecting, 'connection_refused');
  });

  it('reports auth_failed for a wrong password', async () => {
    const collecting = collectFromRecording(ciscoIosPlugin, recording, { password: 'wrong', timeouts: patient });

    await assertFailsWith(collecting, 'auth_failed');
  });

  it('reports timeout when the device accepts the login and then never opens a shell', async () => {
    const collecting = collectFromRecording(ciscoIosPlugin, recording, {
      fault: 'hang_after_auth',
      timeouts: shortIdle,
    });

    await assertFailsWith(collecting, 'timeout');
  });

  it('reports connection_dropped when the channel closes in the middle of the config', async () => {
    const collecting = collectFromRecording(ciscoIosPlugin, recording, { fault: 'drop_mid_output', timeouts: patient });

    await assertFailsWith(collecting, 'connection_dropped');
  });

  it('reports timeout when a device drips output slower than the collection deadline allows', async () => {
    const collecting = collectFromRecording(ciscoIosPlugin, recording, {
      fault: 'drip',
      dripIntervalMs: 200,
      timeouts: { ...patient, overallMs: 1500 },
    });

    await assertFailsWith(collecting, 'timeout');
  });

  it('reports output_too_large when output never ends', async () => {
    const collecting = collectFromRecording(ciscoIosPlugin, recording, {
      fault: 'flood',
      maxTextBytes: 256 * 1024,
      timeouts: patient,
    });

    await assertFailsWith(collecting, 'output_too_large');
  });

  it('caps the total output of an exec session, not each command, at maxTextBytes', async () => {
    const routeros = await loadRecording(join(fixturesRoot, 'routeros', 'CHR_7.16.simulation.yaml'));
    const sizes = routeros.exchanges.filter((exchange) => exchange.input !== 'quit\n').map((e) => e.answer.length);
    const total = sizes.reduce((sum, size) => sum + size, 0);
    const eachFits = Math.max(...sizes) + 1;
    assert.ok(total > eachFits, 'the commands together must print more than any one of them');

    const overTheTotal = collectFromRecording(mikrotikRouterosPlugin, routeros, {
      maxTextBytes: eachFits,
      timeouts: patient,
    });
    await assertFailsWith(overTheTotal, 'output_too_large');

    const withinTheTotal = await collectFromRecording(mikrotikRouterosPlugin, routeros, {
      maxTextBytes: total,
      timeouts: patient,
    });
    assert.equal(withinTheTotal.kind, 'text');
  });

  it('reports prompt_not_found when the banner comes but a prompt never does', async () => {
    const collecting = collectFromRecording(ciscoIosPlugin, recording, { fault: 'no_prompt', timeouts: shortIdle });

    await assertFailsWith(collecting, 'prompt_not_found');
  });

  it('answers a pager and still stores exactly the expected config', async () => {
    const artefact = await collectFromRecording(ciscoIosPlugin, recording, { fault: 'pager', timeouts: patient });

    assert.equal(artefact.kind, 'text');
    assert.equal(artefact.text, recording.expectedOutput);
  });

  it('reports host_key_changed when the device presents a different key than the pinned one', async () => {
    const collecting = collectFromRecording(ciscoIosPlugin, recording, {
      pinnedFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      timeouts: patient,
    });

    await assertFailsWith(collecting, 'host_key_changed');
  });

  it('returns the host key it saw, and accepts the same key when pinned', async () => {
    const server = await startReplayServer(recording, credentials);
    try {
      const ctx = buildContext(server.port, { pinnedFingerprint: server.hostKeyFingerprint, timeouts: patient });

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
      const ctx = { ...buildContext(server.port, { timeouts: patient }), signal: cancelled.signal };
      const deadline = { ...ctx, signal: AbortSignal.timeout(200) };

      setTimeout(() => cancelled.abort(), 200);

      await assertFailsWith(ciscoIosPlugin.collect(ctx), 'aborted');
      await assertFailsWith(ciscoIosPlugin.collect(deadline), 'timeout');
    } finally {
      await server.close();
    }
  });
});

/** Collects in a child process (so its memory is its own) from a device that floods; returns what it measured. */
function collectInChild(pluginKey: string, port: number, maxTextBytes: number): Promise<FloodChildResult> {
  const script = fileURLToPath(new URL('./support/flood-child.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--conditions=source', '--import', 'tsx', script, pluginKey, String(port), String(maxTextBytes)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`the flood child exited with ${code}: ${stdout}`));
      else resolve(JSON.parse(stdout) as FloodChildResult);
    });
  });
}

describe('devices that flood output', () => {
  const cap = 64 * 1024 * 1024;
  // The acceptance bound at a 64 MiB cap: 2 × cap plus 16 MB for ssh2's and V8's own buffers.
  const maxGrowth = 150 * 1000 * 1000;

  for (const [transport, pluginKey, file] of [
    ['shell', 'cisco_ios', 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml'],
    ['exec', 'mikrotik_routeros', 'routeros/RB5009UPr+S+_7.18.2.simulation.yaml'],
  ] as const) {
    it(`stops a flooding device at the cap with output_too_large, within 2 × the cap of memory (${transport})`, async () => {
      const recording = await loadRecording(join(fixturesRoot, file));
      const server = await startReplayServer(recording, { ...credentials, fault: 'flood' });
      try {
        const result = await collectInChild(pluginKey, server.port, cap);

        assert.equal(result.code, 'output_too_large');
        const growth = result.peakRss - result.baselineRss;
        assert.ok(growth <= maxGrowth, `RSS grew by ${Math.round(growth / 1e6)} MB for a ${cap / 1024 / 1024} MiB cap`);
      } finally {
        await server.close();
      }
    });
  }
});

/** A TCP service that answers every connection with `banner` and then stays silent, as a non-SSH port would. */
async function startFakeService(banner: Buffer): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.write(banner);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('peers that are not SSH', () => {
  it('reports protocol_error when the peer sends garbage instead of an SSH banner', async () => {
    const service = await startFakeService(Buffer.from('\x16\x03\x01garbage\r\x00\xff not an ssh banner'));
    try {
      await assertFailsWith(
        ciscoIosPlugin.collect(buildContext(service.port, { timeouts: patient })),
        'protocol_error',
      );
    } finally {
      await service.close();
    }
  });
});
