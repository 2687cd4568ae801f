/**
 * Sessions share worker threads (issue 13): one thread runs several collections at once, and stopping one
 * ends only its own session (the thread and its other sessions go on).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CollectOutcome } from '../src/jobs/collect-task.js';
import { type CollectPool, createCollectPool } from '../src/jobs/pool.js';

/** Polls until `check` holds (generous deadline: the machine may be loaded), failing only if it never does. */
async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what} never happened`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('sessions sharing a worker thread', () => {
  let pool: CollectPool;
  let spoolRoot: string;
  let silent: Server;
  const open = new Set<Socket>();

  before(async () => {
    pool = createCollectPool(1, { sessionsPerWorker: 4 });
    spoolRoot = await mkdtemp(join(tmpdir(), 'dv-pool-sessions-'));
    // A device that accepts TCP and never sends its SSH banner: a session stays open until it is stopped.
    silent = createServer((socket) => {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => {});
      // Reading (and dropping) what arrives is what lets the client's FIN be seen.
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    await pool.close();
    for (const socket of open) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    await rm(spoolRoot, { recursive: true, force: true });
  });

  async function collect(signal: AbortSignal): Promise<CollectOutcome> {
    const spoolDir = join(spoolRoot, randomUUID());
    await mkdir(spoolDir);
    const port = (silent.address() as { port: number }).port;
    const timeouts = { connectMs: 120_000, idleMs: 120_000, overallMs: 120_000 };
    return pool.run(
      {
        jobId: randomUUID(),
        pluginKey: 'cisco_ios',
        target: { host: '127.0.0.1', port, username: 'u', password: 'p', hostKeyFingerprint: null, options: {} },
        timeouts,
        maxTextBytes: 1024 * 1024,
        scrubSecrets: false,
        spoolDir,
      },
      { signal, onProgress() {} },
    );
  }

  it('runs three sessions at once on one thread and stops only the one that was stopped', async () => {
    const stops = [new AbortController(), new AbortController(), new AbortController()];
    const settled = new Set<number>();
    const runs = stops.map((stop, index) =>
      collect(stop.signal).finally(() => {
        settled.add(index);
      }),
    );

    await eventually(() => open.size === 3, 'three sessions open at once');
    stops[0]!.abort(new Error('cancelled'));
    const stopped = await runs[0]!;

    assert.equal(stopped.ok, false);
    await eventually(() => open.size === 2, 'the stopped session closing its socket');
    assert.deepEqual([...settled], [0], 'the other sessions go on');
    for (const stop of stops.slice(1)) stop.abort(new Error('done'));
    const rest = await Promise.all(runs.slice(1));
    assert.ok(rest.every((outcome) => !outcome.ok));
    await eventually(() => open.size === 0, 'every socket closed');
  });
});
