/**
 * Restorable originals: collecting a recording with scrubbing on also yields, as `originalText`, exactly what
 * the same recording stores with scrubbing off (no command is sent twice), whenever the masks changed
 * anything, for every recording that has secret checks. Plugins whose device hides its secrets itself
 * (a `scrubbedCommand`) may give none: the original never left the device.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findPlugin } from '../src/registry.js';
import { findSimulations, loadRecording } from '../src/replay/load-recording.js';
import { pluginKeyByOxidizedModel } from '../src/replay/oxidized-models.js';
import { isShellPlugin } from '../src/runtime/shell-plugin.js';
import { collectFromRecording, fixturesRoot } from './support/replay-collect.js';

let checked = 0;
for (const simulation of await findSimulations(fixturesRoot)) {
  const recording = await loadRecording(simulation);
  const plugin = findPlugin(pluginKeyByOxidizedModel[recording.os] ?? '');
  if (!plugin || !isShellPlugin(plugin) || !recording.secret || recording.expectedOutput === null) continue;
  const deviceHides = plugin.definition.commands.some((spec) => spec.scrubbedCommand);
  const expected = recording.expectedOutput;
  checked += 1;
  describe(`${recording.name} through ${plugin.key}`, () => {
    for (const run of recording.runs) {
      const suffix = run.name === null ? '' : ` (${run.name})`;
      it(`keeps what the device sent as the restorable original of a scrubbed collection${suffix}`, async () => {
        const artefact = await collectFromRecording(plugin, recording, {
          scrubSecrets: true,
          options: run.options,
          devicePassword: run.password ?? undefined,
        });

        assert.equal(artefact.kind, 'text');
        if (artefact.kind !== 'text') return;
        if (artefact.originalText === undefined) {
          assert.ok(deviceHides || artefact.text === expected, 'no original although the masks changed the text');
          return;
        }
        assert.equal(artefact.originalText, expected);
        assert.notEqual(artefact.text, expected);
      });
    }
  });
}

it('covers the recordings with secret checks', () => {
  assert.ok(checked >= 10, `${checked} recordings with secret checks`);
});
