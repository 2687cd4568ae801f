/**
 * The registry is the single list of plugins: this fails on a vendor file that is not registered, a
 * duplicate key, a definition that breaks the contract, or a text plugin with nothing to test it against.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findPlugin, plugins } from '../src/registry.js';
import { pluginKeyByOxidizedModel } from '../src/replay/oxidized-models.js';
import { fixturesRoot } from './support/replay-collect.js';

const vendorsDir = fileURLToPath(new URL('../src/vendors', import.meta.url));
const testsDir = fileURLToPath(new URL('.', import.meta.url));
const transports = ['ssh-shell', 'ssh-exec', 'sftp', 'tftp', 'telnet', 'http', 'none'];

/**
 * Text plugins without a recorded session in fixtures/device-sessions, and what checks them instead. They are
 * written from Oxidized's model alone; each shows up as a TODO in every run until someone adds a recording
 * (a real device's session with its expected output, never one generated from our own plugin).
 */
const unrecorded: ReadonlyMap<string, 'prompt test' | 'contract only'> = new Map();

function modelFolderOf(key: string): string | undefined {
  return Object.entries(pluginKeyByOxidizedModel).find(([, pluginKey]) => pluginKey === key)?.[0];
}

describe('plugin registry', () => {
  it('registers every plugin exported from src/vendors', async () => {
    const files = readdirSync(vendorsDir).filter((file) => file.endsWith('.ts'));

    for (const file of files) {
      const module: Record<string, unknown> = await import(join(vendorsDir, file));
      const exported = Object.values(module).filter(
        (value) => typeof value === 'object' && value && 'collect' in value,
      );
      assert.ok(exported.length > 0, `${file} exports no plugin`);
      for (const plugin of exported) {
        assert.ok(
          plugins.some((registered) => registered === plugin),
          `${file} is not in registry.ts`,
        );
      }
    }
  });

  it('gives every plugin a unique key', () => {
    const keys = plugins.map((plugin) => plugin.key);

    assert.deepEqual([...new Set(keys)], keys);
  });

  it('fills in every field of the contract', () => {
    for (const plugin of plugins) {
      assert.match(plugin.key, /^[a-z][a-z0-9_]*$/, `${plugin.key}: keys are snake_case`);
      assert.ok(plugin.friendlyName.length > 0, `${plugin.key}: friendlyName`);
      assert.ok(plugin.description.length > 0, `${plugin.key}: description`);
      assert.ok(transports.includes(plugin.transport), `${plugin.key}: transport ${plugin.transport}`);
      assert.equal(typeof plugin.collect, 'function', `${plugin.key}: collect`);
    }
  });

  it('registers at least 35 text plugins for device operating systems, besides the binary ones', () => {
    const textOsPlugins = plugins.filter((plugin) => !plugin.isBinary && plugin.transport !== 'none');
    const binaryPlugins = plugins.filter((plugin) => plugin.isBinary);

    assert.ok(textOsPlugins.length >= 35, `only ${textOsPlugins.length} text OS plugins`);
    assert.ok(binaryPlugins.length > 0, 'no binary plugin');
  });

  it('has at least one recorded session for every text plugin that talks to a device', () => {
    const devicePlugins = plugins.filter((plugin) => !plugin.isBinary && plugin.transport !== 'none');

    for (const plugin of devicePlugins) {
      // SSH/TELNET sessions live in the Oxidized model's folder; HTTP exchanges (`*.http.yaml`, replayed by
      // http.test.ts) in the model's folder or, for plugins Oxidized has no model for, the plugin key's.
      const folder =
        plugin.transport === 'http' ? (modelFolderOf(plugin.key) ?? plugin.key) : modelFolderOf(plugin.key);
      assert.ok(folder, `${plugin.key} has no Oxidized model folder in oxidized-models.ts`);
      const files = existsSync(join(fixturesRoot, folder)) ? readdirSync(join(fixturesRoot, folder)) : [];
      const pattern = plugin.transport === 'http' ? /\.http\.yaml$/ : /\.(custom_)?simulation\.yaml$/;
      const recorded = files.some((file) => pattern.test(file));
      const exception = unrecorded.get(plugin.key);
      if (exception === undefined) {
        assert.ok(recorded, `${plugin.key} has no recorded session under fixtures/device-sessions/${folder}`);
        continue;
      }
      // Keeps the list honest: a plugin that gained a recording (or a prompt test) must leave it.
      assert.ok(!recorded, `${plugin.key} now has a recorded session: remove it from the unrecorded list`);
      assert.equal(
        files.includes('prompt.yaml'),
        exception === 'prompt test',
        `${plugin.key} is listed as checked by ${exception}, but prompt.yaml ${files.includes('prompt.yaml') ? 'exists' : 'is missing'}`,
      );
    }
  });

  it('names every binary plugin that talks to a device in a test of its transport against a real server', () => {
    const tests = readdirSync(testsDir)
      .filter((file) => file.endsWith('.test.ts'))
      .map((file) => readFileSync(join(testsDir, file), 'utf8'))
      .join('\n');

    // sftp.test.ts, tftp.test.ts: binary images have no Oxidized recording; a real server there serves them.
    for (const plugin of plugins.filter((candidate) => candidate.isBinary && candidate.transport !== 'none')) {
      assert.ok(tests.includes(plugin.key), `no test names ${plugin.key}`);
    }
  });

  it('lists only registered plugins as unrecorded', () => {
    for (const key of unrecorded.keys()) assert.ok(findPlugin(key), `${key} is not registered`);
  });
});

describe('text plugins without a recorded device session', () => {
  for (const [key, checkedBy] of unrecorded) {
    it.todo(`${key}: no recorded session to prove byte-identical output (checked by: ${checkedBy})`);
  }
});
