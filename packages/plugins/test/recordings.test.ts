/**
 * One generic runner for every recorded device session: adding a device test means adding files under
 * fixtures/device-sessions, never code here (STYLE.md 9). Each session is replayed by a real SSH server
 * and collected over SSH through the plugin registered for that folder's Oxidized model.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findPlugin } from '../src/registry.js';
import { findSimulations, loadPromptCases, loadRecording } from '../src/replay/load-recording.js';
import { pluginKeyByOxidizedModel } from '../src/replay/oxidized-models.js';
import { isShellPlugin } from '../src/runtime/shell-plugin.js';
import { applyExpects } from '../src/transports/ssh-shell.js';
import { collectFromRecording, fixturesRoot, rubyRegExp } from './support/replay-collect.js';

function textOf(artefact: Awaited<ReturnType<typeof collectFromRecording>>, view: 'text' | 'significantText' = 'text') {
  assert.equal(artefact.kind, 'text');
  const text = artefact[view];
  assert.equal(typeof text, 'string', `the plugin returned no ${view}`);
  return text ?? '';
}

function assertChecks(text: string, checks: { pass: string[]; fail: string[] }): void {
  for (const pattern of checks.pass) assert.match(text, rubyRegExp(pattern), `expected to find /${pattern}/`);
  for (const pattern of checks.fail) assert.doesNotMatch(text, rubyRegExp(pattern), `expected /${pattern}/ to be gone`);
}

/** What this run replays, printed as a test name: recordings and checks per OS that has a plugin. */
const coverage = { recordings: 0, secretChecks: 0, operatingSystems: new Set<string>() };

for (const simulation of await findSimulations(fixturesRoot)) {
  const recording = await loadRecording(simulation);
  const plugin = findPlugin(pluginKeyByOxidizedModel[recording.os] ?? '');
  if (!plugin) continue;
  coverage.recordings += 1;
  coverage.operatingSystems.add(recording.os);
  if (recording.secret) coverage.secretChecks += recording.secret.pass.length + recording.secret.fail.length;

  describe(`${recording.name} through ${plugin.key}`, () => {
    // Each run collects with the options of the recording's options.yaml (Oxidized node vars).
    for (const run of recording.runs) {
      const { options } = run;
      const devicePassword = run.password ?? undefined;
      const suffix = run.name === null ? '' : ` (${run.name})`;
      if (recording.expectedOutput !== null) {
        const expected = recording.expectedOutput;
        it(`stores exactly the expected config when secrets are kept${suffix}`, async () => {
          const artefact = await collectFromRecording(plugin, recording, { options, devicePassword });

          assert.equal(textOf(artefact), expected);
        });
      }
      if (recording.secret) {
        const checks = recording.secret;
        it(`hides every secret when scrubbing is on${suffix}`, async () => {
          const artefact = await collectFromRecording(plugin, recording, {
            scrubSecrets: true,
            options,
            devicePassword,
          });

          assertChecks(textOf(artefact), checks);
        });
      }
      if (recording.significantChanges) {
        const checks = recording.significantChanges;
        it(`keeps only significant lines in the significant-changes view${suffix}`, async () => {
          const artefact = await collectFromRecording(plugin, recording, { options, devicePassword });

          assertChecks(textOf(artefact, 'significantText'), checks);
        });
      }
    }
  });
}

for (const [model, key] of Object.entries(pluginKeyByOxidizedModel)) {
  const folder = join(fixturesRoot, model);
  const plugin = findPlugin(key);
  if (!plugin || !isShellPlugin(plugin) || !existsSync(join(folder, 'prompt.yaml'))) continue;
  const cases = await loadPromptCases(folder);
  if (!cases) continue;
  const { prompt, expects = [] } = plugin.definition;

  describe(`${key} prompt`, () => {
    it('matches every recorded prompt of the OS and nothing else', () => {
      for (const text of cases.pass) assert.match(text, prompt, `prompt should match ${JSON.stringify(text)}`);
      for (const text of cases.fail)
        assert.doesNotMatch(text, prompt, `prompt should not match ${JSON.stringify(text)}`);
    });

    it('matches prompts drawn with escape codes once the expect rules have run', () => {
      for (const text of cases.passWithExpect) {
        assert.match(applyExpects(text, expects), prompt, `prompt should match ${JSON.stringify(text)}`);
      }
    });
  });
}

describe('recorded sessions', () => {
  it(`replays ${coverage.recordings} recordings of ${coverage.operatingSystems.size} operating systems, with ${coverage.secretChecks} secret checks`, () => {
    assert.ok(coverage.recordings > 0, `no recordings found under ${fixturesRoot}`);
  });
});
