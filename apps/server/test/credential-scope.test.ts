/**
 * Operators must not be able to send a credential they weren't given to a host they control: they may only
 * attach credentials scoped to a device group they operate, and may only re-point a device (host/port)
 * whose credential they could attach themselves.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDeviceGroup, createUserAndSignIn, mutate } from './support/api-builders.js';
import { createDeviceMutation } from './support/builders.js';
import { startTestServer, type TestServer } from './support/test-server.js';

describe('credential scopes', () => {
  let server: TestServer;
  let operator: { token: string };
  let groupA: string;
  let globalCredential: string;
  let credentialOfA: string;

  before(async () => {
    server = await startTestServer();
    groupA = (await createDeviceGroup(server)).id;
    operator = await createUserAndSignIn(server, 'operator', [groupA]);
    const create = (name: string, deviceGroupId?: string) =>
      mutate(
        server,
        'createCredential',
        { name, username: 'netops', secret: `${name}-secret`, deviceGroupId },
        'credential { id }',
      );
    globalCredential = (await create('core-routers')).credential.id;
    credentialOfA = (await create('branch-a', groupA)).credential.id;
  });
  after(() => server.stop());

  async function createDeviceAs(token: string, credentialId: string, name: string) {
    return server.gql(
      createDeviceMutation,
      { input: { name, host: '192.0.2.1', pluginKey: 'cisco_ios', credentialId, deviceGroupId: groupA } },
      token,
    );
  }

  it('refuses an operator who attaches a credential not scoped to their group', async () => {
    const result = await createDeviceAs(operator.token, globalCredential, 'exfiltrate');

    assert.equal(result.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const devices = await server.gql('{ devices(first: 10) { edges { node { name } } } }');
    assert.deepEqual(devices.data.devices.edges, []);
  });

  it("lets an operator attach their group's credential", async () => {
    const result = await createDeviceAs(operator.token, credentialOfA, 'branch-sw1');

    assert.equal(result.data.createDevice.__typename, 'CreateDeviceSuccess');
  });

  it('refuses an operator who points a device holding a global credential at another host', async () => {
    const admins = await createDeviceAs(server.adminToken, globalCredential, 'core-r1');
    const deviceId = admins.data.createDevice.device.id;

    const error = await mutate(
      server,
      'updateDevice',
      { id: deviceId, host: '203.0.113.66' },
      'device { host }',
      operator.token,
    ).catch((failure: { code?: string }) => failure);

    assert.equal((error as { code?: string }).code, 'FORBIDDEN');
    const device = await server.gql('query ($id: ID!) { device(id: $id) { host } }', { id: deviceId });
    assert.equal(device.data.device.host, '192.0.2.1');
  });

  it('lists to operators only the credentials they may use', async () => {
    const result = await server.gql('{ credentials(first: 10) { edges { node { name } } } }', {}, operator.token);

    assert.deepEqual(
      result.data.credentials.edges.map((edge: { node: { name: string } }) => edge.node.name),
      ['branch-a'],
    );
  });

  it('rejects CSV rows of an operator that name a credential outside their scope', async () => {
    const csv = `name,host,pluginKey,credential,deviceGroup\nrow-ok,192.0.2.5,cisco_ios,branch-a,${await groupName()}\nrow-bad,192.0.2.6,cisco_ios,core-routers,${await groupName()}\n`;

    const result = await server.gql(
      `mutation ($input: ImportDevicesCsvInput!) { importDevicesCsv(input: $input) {
        ... on ImportDevicesCsvSuccess { createdCount rowErrors { line field } } } }`,
      { input: { csv } },
      operator.token,
    );

    assert.deepEqual(result.data.importDevicesCsv.rowErrors, [{ line: 3, field: 'credential' }]);
    assert.equal(result.data.importDevicesCsv.createdCount, 1);
  });

  async function groupName() {
    const result = await server.gql('query ($id: ID!) { deviceGroup(id: $id) { name } }', { id: groupA });
    return result.data.deviceGroup.name as string;
  }
});
