/**
 * End markers (`completeWhen`): every expected output of every recording of a plugin that declares one must
 * match it (a marker that misses a real config would fail that device's every backup), and the same output
 * cut in the middle of its config must not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findPlugin, plugins } from '../src/registry.js';
import { findSimulations, loadRecording } from '../src/replay/load-recording.js';
import { pluginKeyForModel } from '../src/replay/oxidized-models.js';

const fixtures = fileURLToPath(new URL('../fixtures/device-sessions/', import.meta.url));

describe('plugin end markers', async () => {
  const recordings = await Promise.all((await findSimulations(fixtures)).map((path) => loadRecording(path)));

  it('is declared by the plugins whose OS ends its config with a clear marker', () => {
    const declared = plugins.filter((plugin) => plugin.completeWhen).map((plugin) => plugin.key);

    for (const key of ['cisco_ios', 'cisco_asa', 'arista_eos', 'juniper_junos']) assert.ok(declared.includes(key), key);
  });

  for (const recording of recordings) {
    const key = pluginKeyForModel(recording.os);
    const plugin = key ? findPlugin(key) : undefined;
    const marker = plugin?.completeWhen;
    if (!marker || recording.expectedOutput === null) continue;
    const output = recording.expectedOutput;

    it(`finds the end marker of ${plugin.key} in ${recording.name}, and not once the output is cut before it`, () => {
      const cut = output.slice(0, output.search(marker));

      assert.match(output, marker);
      assert.doesNotMatch(cut, marker);
    });
  }
});
