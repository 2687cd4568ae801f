/**
 * A device flooding output (issue 8): each transport collects from a replay device that never stops talking,
 * in a child process of its own, with the server's default 64 MiB text cap. Prints the peak RSS growth as a
 * ratio to the cap (goal ≤ 2, and ≤ 150 MB) and the time to `output_too_large` as a ratio to a normal
 * collection of the same recording measured in the same run (goal: failure within 10 s of the cap).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runJsonChild } from '../apps/server/test/support/run-json-child.js';
import { loadRecording } from '../packages/plugins/src/replay/load-recording.js';
import { startReplayServer } from '../packages/plugins/src/replay/replay-server.js';
import type { FloodChildResult } from '../packages/plugins/test/support/flood-child.js';
import { fixturesRoot } from '../packages/plugins/test/support/replay-collect.js';

const cap = 64 * 1024 * 1024;
const pluginChild = fileURLToPath(new URL('../packages/plugins/test/support/flood-child.ts', import.meta.url));
const poolChild = fileURLToPath(new URL('../apps/server/test/support/flood-pool-child.ts', import.meta.url));
const credentials = { username: 'oxidized', password: 'rocks' };

const cases = [
  {
    name: 'ssh shell (plugin)',
    script: pluginChild,
    key: 'cisco_ios',
    file: 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml',
  },
  {
    name: 'ssh exec (plugin)',
    script: pluginChild,
    key: 'mikrotik_routeros',
    file: 'routeros/RB5009UPr+S+_7.18.2.simulation.yaml',
  },
  {
    name: 'ssh shell (server pool)',
    script: poolChild,
    key: 'cisco_ios',
    file: 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml',
  },
];

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
let worstMemoryRatio = 0;
let worstTimeRatio = 0;
for (const item of cases) {
  const recording = await loadRecording(join(fixturesRoot, item.file));
  const normal = await startReplayServer(recording, credentials);
  const flood = await startReplayServer(recording, { ...credentials, fault: 'flood' });
  try {
    const baseline = await runJsonChild<FloodChildResult>(item.script, [item.key, String(normal.port), String(cap)]);
    const flooded = await runJsonChild<FloodChildResult>(item.script, [item.key, String(flood.port), String(cap)]);
    const growth = flooded.peakRss - flooded.baselineRss;
    worstMemoryRatio = Math.max(worstMemoryRatio, growth / cap);
    worstTimeRatio = Math.max(worstTimeRatio, flooded.elapsedMs / baseline.elapsedMs);
    console.log(
      `${item.name}: ${flooded.code} after ${(flooded.elapsedMs / 1000).toFixed(2)} s (normal collection ${baseline.code} in ${(baseline.elapsedMs / 1000).toFixed(2)} s); ` +
        `peak RSS growth ${mb(growth)} MB = ${(growth / cap).toFixed(2)} × the ${mb(cap)} MB cap (normal collection: ${mb(baseline.peakRss - baseline.baselineRss)} MB)`,
    );
  } finally {
    await normal.close();
    await flood.close();
  }
}
console.log(`flood_rss_to_cap_ratio=${worstMemoryRatio.toFixed(3)}`);
console.log(`flood_time_to_normal_ratio=${worstTimeRatio.toFixed(3)}`);
