/**
 * Run as a child process by the flood tests and bench/flood.ts: collects once from a device on 127.0.0.1 and
 * prints one JSON line with the outcome and this process's memory, so a flood is measured in a process of its
 * own (the flooding replay server stays in the parent). Arguments: `<plugin-key> <port> <maxTextBytes>`.
 */

import { isCollectError } from '../../src/errors.js';
import { findPlugin } from '../../src/registry.js';
import { buildContext } from './replay-collect.js';

export interface FloodChildResult {
  code: string;
  /** Resident memory just before connecting, after a collection of warm-up garbage was freed. */
  baselineRss: number;
  /** The highest resident memory sampled (every 10 ms and at the end) during the collection. */
  peakRss: number;
  elapsedMs: number;
}

const [pluginKey = '', port = '0', maxTextBytes = '0'] = process.argv.slice(2);
const plugin = findPlugin(pluginKey);
if (!plugin) throw new Error(`unknown plugin ${pluginKey}`);

globalThis.gc?.();
const baselineRss = process.memoryUsage.rss();
let peakRss = baselineRss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 10);
const started = performance.now();
const ctx = buildContext(Number(port), {
  maxTextBytes: Number(maxTextBytes),
  timeouts: { connectMs: 10_000, idleMs: 10_000, overallMs: 120_000 },
});
const code = await plugin.collect(ctx).then(
  () => 'ok',
  (error: unknown) => (isCollectError(error) ? error.code : `unclassified: ${String(error)}`),
);
const elapsedMs = performance.now() - started;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage.rss());
process.stdout.write(`${JSON.stringify({ code, baselineRss, peakRss, elapsedMs } satisfies FloodChildResult)}\n`);
