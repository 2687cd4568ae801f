/**
 * Run as a child process by pool-faults.test.ts and bench/flood.ts: one job through the real collection pool
 * (production worker, worker threads in this process, as in the server) against a device on 127.0.0.1, then
 * one JSON line with the outcome and this process's memory. Arguments: `<plugin-key> <port> <maxTextBytes>`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCollectPool } from '../../src/jobs/pool.js';

export interface FloodPoolChildResult {
  code: string;
  baselineRss: number;
  peakRss: number;
  elapsedMs: number;
}

const [pluginKey = '', port = '0', maxTextBytes = '0'] = process.argv.slice(2);
const pool = createCollectPool(1);
const spoolDir = await mkdtemp(join(tmpdir(), 'dv-flood-'));
const timeouts = { connectMs: 10_000, idleMs: 10_000, overallMs: 120_000 };
const target = { host: '127.0.0.1', username: 'oxidized', password: 'rocks', hostKeyFingerprint: null, options: {} };
const job = { jobId: randomUUID(), pluginKey, timeouts, scrubSecrets: false, spoolDir };

// A first job against a refused port starts the worker thread and loads the plugins, so the baseline holds them.
await pool.run(
  { ...job, target: { ...target, port: 1 }, maxTextBytes: Number(maxTextBytes) },
  { signal: AbortSignal.timeout(timeouts.overallMs), onProgress() {} },
);
globalThis.gc?.();
const baselineRss = process.memoryUsage.rss();
let peakRss = baselineRss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 10);
const started = performance.now();
const outcome = await pool.run(
  { ...job, target: { ...target, port: Number(port) }, maxTextBytes: Number(maxTextBytes) },
  { signal: AbortSignal.timeout(timeouts.overallMs), onProgress() {} },
);
const elapsedMs = performance.now() - started;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage.rss());
await pool.close();
await rm(spoolDir, { recursive: true, force: true });
const code = outcome.ok ? 'ok' : outcome.code;
process.stdout.write(`${JSON.stringify({ code, baselineRss, peakRss, elapsedMs } satisfies FloodPoolChildResult)}\n`);
