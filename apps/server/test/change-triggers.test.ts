/**
 * Backups triggered by a change: a syslog line (UDP or TCP, RFC 3164 or 5424) from a device's address, or
 * naming it as HOSTNAME, queues one debounced backup whose version records who changed it; ten lines within
 * the debounce window give one job; `POST /hooks/device-changed` does the same for integrations. Who changed
 * it is read from each supported platform's change message.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { backups, jobs } from '@devicevault/schema/db/tables';
import { eq } from 'drizzle-orm';
import { changedByFromMessage } from '../src/triggers/changed-by.js';
import { createDeviceGroup, createUserAndSignIn, mutate } from './support/api-builders.js';
import { createDevice } from './support/builders.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const iosLine = '<189>35: *Mar  1 00:15:02.123: %SYS-5-CONFIG_I: Configured from console by alice on vty0 (192.0.2.9)';

async function until<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let waited = 0; waited < 120_000; waited += 50) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

function sendUdp(port: number, lines: string[]): Promise<void> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    let sent = 0;
    for (const line of lines)
      socket.send(line, port, '127.0.0.1', (error) => {
        if (error) return reject(error);
        if (++sent === lines.length) {
          socket.close();
          resolve();
        }
      });
  });
}

function sendTcp(port: number, frame: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(frame, () => resolve()));
    socket.on('error', reject);
  });
}

describe('change-triggered backups', () => {
  let server: TestServer;
  let port: number;

  before(async () => {
    server = await startTestServer({ syslogPort: 0, syslogHost: '127.0.0.1', changeDebounceSeconds: 2 });
    port = server.app.syslogPort()!;
  });
  after(async () => {
    await server?.stop();
  });

  const jobsOf = (deviceId: string) => server.app.database.db.select().from(jobs).where(eq(jobs.deviceId, deviceId));
  const ended = (deviceId: string, count: number) =>
    until(async () => {
      const rows = await jobsOf(deviceId);
      return rows.length >= count && rows.every((row) => ['succeeded', 'failed'].includes(row.status))
        ? rows
        : undefined;
    }, 'the change-triggered jobs ended');

  it('backs up the device that sent %SYS-5-CONFIG_I once for ten lines, recording changedBy "alice"', async () => {
    // The only device at 127.0.0.1 in this server while this test runs (the sender's address).
    const device = await createDevice(server, { pluginKey: 'noop', name: 'edge-1', host: '127.0.0.1' });

    await sendUdp(port, Array(10).fill(iosLine));
    const [job] = await ended(device.id, 1);
    const versions = await server.gql(
      'query ($id: ID!) { device(id: $id) { backups(first: 5) { edges { node { changedBy } } } } }',
      {
        id: device.id,
      },
    );

    assert.deepEqual(
      (await jobsOf(device.id)).map((row) => [row.trigger, row.status, row.changedBy]),
      [['change', 'succeeded', 'alice']],
    );
    assert.equal(job!.requestedBy, 'syslog 127.0.0.1');
    assert.deepEqual(versions.data.device.backups.edges, [{ node: { changedBy: 'alice' } }]);
    await mutate(server, 'archiveDevice', { id: device.id }, 'device { id }');
  });

  it('matches a device by the HOSTNAME of an RFC 5424 message over TCP, even behind a shared address', async () => {
    const device = await createDevice(server, { pluginKey: 'noop', name: 'junos-core', host: '198.51.100.7' });
    const message =
      "<189>1 2026-12-02T10:00:00.000Z junos-core mgd 4242 UI_COMMIT - UI_COMMIT: User 'bob' requested 'commit' operation";

    await sendTcp(port, `${Buffer.byteLength(message)} ${message}`);
    await ended(device.id, 1);

    const [version] = await server.app.database.db.select().from(backups).where(eq(backups.deviceId, device.id));
    assert.equal(version?.changedBy, 'bob');
  });

  it('queues a backup from POST /hooks/device-changed with an operator token; viewers and anonymous callers are refused', async () => {
    const group = await createDeviceGroup(server);
    const device = await createDevice(server, {
      pluginKey: 'noop',
      name: 'hooked',
      host: '203.0.113.5',
      deviceGroupId: group.id,
    });
    const operator = await createUserAndSignIn(server, 'operator', [group.id]);
    const viewer = await createUserAndSignIn(server, 'viewer', [group.id]);
    const tokenOf = async (session: string) => {
      const payload = await mutate(server, 'createApiToken', { name: 'hook' }, 'token', session);
      return payload.token as string;
    };
    const post = (token: string | null, body: unknown) =>
      fetch(`${server.url}/hooks/device-changed`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });

    const anonymous = await post(null, { device: 'hooked' });
    const asViewer = await post(await tokenOf(viewer.token), { device: 'hooked' });
    const operatorToken = await tokenOf(operator.token);
    const accepted = await post(operatorToken, { host: '203.0.113.5', user: 'carol', message: 'changed the ACL' });
    const again = await post(operatorToken, { device: device.id, user: 'dave' });
    const unknown = await post(operatorToken, { device: 'nope' });
    await ended(device.id, 1);

    assert.deepEqual(
      [anonymous.status, asViewer.status, accepted.status, again.status, unknown.status],
      [401, 403, 202, 202, 404],
    );
    assert.deepEqual(await accepted.json(), { matched: 1, queued: 1, deviceIds: [device.id] });
    assert.deepEqual(await again.json(), { matched: 1, queued: 0, deviceIds: [device.id] });
    const [version] = await server.app.database.db.select().from(backups).where(eq(backups.deviceId, device.id));
    assert.equal(version?.changedBy, 'dave', 'the latest change message names who changed it');
    assert.equal((await jobsOf(device.id)).length, 1);
  });

  it("reads who changed the configuration from each platform's change message", () => {
    const samples: [string, string][] = [
      [iosLine, 'alice'],
      ['%SYS-5-CONFIG_I: Configured from vty by netops on vty0 (10.0.0.9)', 'netops'],
      [
        '2026 Dec  2 10:00:00 nx1 %VSHD-5-VSHD_SYSLOG_CONFIG_I: Configured from vty by admin on 192.0.2.9@pts/0',
        'admin',
      ],
      ["mgd[4242]: UI_COMMIT: User 'bob' requested 'commit' operation (comment: none)", 'bob'],
      ["%ASA-5-111008: User 'carol' executed the 'hostname fw1' command.", 'carol'],
      ["%ASA-5-111005: User 'carol' end configuration: OK", 'carol'],
      ['Ar1 Sys: %SYS-5-CONFIG_I: Configured from console by eosadmin on con0', 'eosadmin'],
      [
        'date=2026-12-02 time=10:00:00 devname="fw1" type="event" subtype="system" level="information" logdesc="Object attribute configured" user="dave" ui="GUI(192.0.2.9)" action="Edit" cfgpath="firewall.policy"',
        'dave',
      ],
      ['system,info config changed by erin', 'erin'],
      ['system,info,account config changed by winbox-3.40/tcp-msg(winbox):frank@192.0.2.9 (/ip address add)', 'frank'],
    ];

    assert.deepEqual(
      samples.map(([line]) => changedByFromMessage(line)),
      samples.map(([, user]) => user),
    );
  });
});
