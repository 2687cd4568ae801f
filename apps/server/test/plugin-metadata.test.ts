/**
 * Plugins say what they are: `devicevault plugins [--json]` and the `backupMethods` query list the same
 * plugins with their Oxidized model and transports, and Oxidized's router.db maps models to plugins.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseFieldMap, parseRouterDb, pluginKeyForNode } from '../src/cli/oxidized-router-db.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const run = promisify(execFile);
const cliMain = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const cli = ['--conditions=source', '--import', 'tsx', cliMain];

describe('devicevault plugins', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('prints the same plugins as backupMethods, each with its Oxidized model and transports', async () => {
    const { stdout } = await run(process.execPath, [...cli, 'plugins', '--json']);
    const result = await server.gql(
      '{ backupMethods { key friendlyName description isBinary oxidizedModel transports } }',
    );

    const listed = JSON.parse(stdout) as Record<string, unknown>[];
    assert.deepEqual(listed, result.data.backupMethods);
    for (const plugin of listed) {
      assert.deepEqual(Object.keys(plugin).sort(), [
        'description',
        'friendlyName',
        'isBinary',
        'key',
        'oxidizedModel',
        'transports',
      ]);
    }
    const ios = listed.find((plugin) => plugin.key === 'cisco_ios');
    assert.equal(ios?.oxidizedModel, 'ios');
    assert.deepEqual(ios?.transports, ['ssh-shell', 'telnet']);
    const textWithModel = listed.filter((plugin) => !plugin.isBinary && plugin.oxidizedModel !== null);
    assert.ok(textWithModel.length >= 9, `${textWithModel.length} text plugins name an Oxidized model`);
  });

  it('prints a table for people without --json', async () => {
    const { stdout } = await run(process.execPath, [...cli, 'plugins']);

    assert.match(stdout, /^KEY\s+KIND\s+OXIDIZED MODEL\s+TRANSPORTS\s+NAME\n/);
    assert.match(stdout, /\ncisco_ios\s+text\s+ios\s+ssh-shell,telnet\s+Cisco IOS/);
  });
});

describe("Oxidized's router.db", () => {
  it('maps each node to the plugin of its model, case-insensitively and through the model map', () => {
    const nodes = parseRouterDb(
      '# core\nr1:10.0.0.1:ios\nr2:10.0.0.2:JunOS\n\nr3:10.0.0.3:nosuchmodel\nr4:10.0.0.4:cisco\nr5::\n',
      { delimiter: ':', map: parseFieldMap('name=0,ip=1,model=2'), modelMap: { cisco: 'nxos' } },
    );

    const keys = [...nodes.values()].map((node) => [node.name, node.ip, pluginKeyForNode(node)]);
    assert.deepEqual(keys, [
      ['r1', '10.0.0.1', 'cisco_ios'],
      ['r2', '10.0.0.2', 'juniper_junos'],
      ['r3', '10.0.0.3', null],
      ['r4', '10.0.0.4', 'cisco_nxos'],
      ['r5', null, null],
    ]);
  });

  it('reads Oxidized’s default layout (name:model) and a regular-expression delimiter', () => {
    const plain = parseRouterDb('sw1:eos\n');
    const spaced = parseRouterDb('sw1 ; routeros\n', {
      delimiter: '\\s*;\\s*',
      map: { name: 0, model: 1 },
      modelMap: {},
    });

    assert.equal(pluginKeyForNode(plain.get('sw1')), 'arista_eos');
    assert.equal(pluginKeyForNode(spaced.get('sw1')), 'mikrotik_routeros');
  });
});
