/**
 * The Oxidized-compatible REST API answers each route with oxidized-web's JSON: the same field names, in the
 * same order, with the same types (the reference shapes below are those of oxidized-web's own specs:
 * spec/web/node/show_spec.rb, node/version_spec.rb, node_spec.rb, nodes_spec.rb, and Oxidized's
 * Node#serialize and Output::Git#hash_list). Then `PUT node/next` queues a job whose version carries `user`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backups, jobs } from '@devicevault/schema/db/tables';
import { eq } from 'drizzle-orm';
import { createDeviceGroup, createUserAndSignIn, mutate } from './support/api-builders.js';
import { createCredential, createDevice } from './support/builders.js';
import { seedVersion } from './support/seed-versions.js';
import { startTestServer, type TestServer } from './support/test-server.js';

type Shape = 'string' | 'number' | 'null' | 'string|null' | Shape[] | { [key: string]: Shape } | 'object|null';

/** oxidized-web's node JSON (show_spec.rb's expected body; nodes adds status and time). */
const lastShape = { start: 'string', end: 'string', status: 'string', time: 'number' } satisfies Shape;
const nodeShape = {
  name: 'string',
  full_name: 'string',
  ip: 'string',
  group: 'string|null',
  model: 'string',
  last: 'object|null',
  vars: {},
  mtime: 'string',
} satisfies Shape;
const listedNodeShape = { ...nodeShape, group: 'string', status: 'string', time: 'string' } satisfies Shape;
/** Output::Git#hash_list entries: date and time (Time#to_s), oid, Rugged's author hash, message. */
const versionShape = {
  date: 'string',
  time: 'string',
  oid: 'string',
  author: { name: 'string', email: 'string', time: 'string' },
  message: 'string',
} satisfies Shape;
const confSearchShape = { node: 'string', full_name: 'string' } satisfies Shape;
const rubyTime = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (UTC|[+-]\d{4})$/;

/** Asserts `value` has exactly the keys of `shape`, in its order, with its types. */
function assertShape(value: unknown, shape: Shape, path = '$') {
  if (typeof shape === 'string') {
    const type = value === null ? 'null' : typeof value;
    assert.ok(shape.split('|').includes(type), `${path}: expected ${shape}, got ${type} (${JSON.stringify(value)})`);
    return;
  }
  if (Array.isArray(shape)) {
    assert.ok(Array.isArray(value), `${path}: expected an array`);
    for (const [i, item] of (value as unknown[]).entries()) assertShape(item, shape[0]!, `${path}[${i}]`);
    return;
  }
  assert.ok(value && typeof value === 'object' && !Array.isArray(value), `${path}: expected an object`);
  if (Object.keys(shape).length === 0) return;
  assert.deepEqual(Object.keys(value as object), Object.keys(shape), `${path}: keys`);
  for (const [key, inner] of Object.entries(shape))
    assertShape((value as Record<string, unknown>)[key], inner, `${path}.${key}`);
}

let server: TestServer;
let token: string;
let viewerBToken: string;
let viewerAToken: string;
const world = {} as { group: string; routerId: string; spareId: string; versions: string[] };

async function get(path: string, asToken: string | null = token, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (asToken) headers.set('authorization', `Bearer ${asToken}`);
  return fetch(`${server.url}/oxidized${path}`, { redirect: 'manual', ...init, headers });
}

async function json(path: string, asToken: string | null = token, init: RequestInit = {}) {
  const response = await get(path, asToken, init);
  assert.equal(response.status, 200, `${path}: ${response.status}`);
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  return response.json();
}

async function apiToken(sessionToken: string) {
  const payload = await mutate(server, 'createApiToken', { name: 'librenms' }, 'token', sessionToken);
  return payload.token as string;
}

before(async () => {
  server = await startTestServer({ oxidizedApi: true });
  token = await apiToken(server.adminToken);
  const group = await createDeviceGroup(server, 'core/dc1');
  const other = await createDeviceGroup(server);
  world.group = group.id;
  viewerAToken = await apiToken((await createUserAndSignIn(server, 'viewer', [group.id])).token);
  viewerBToken = await apiToken((await createUserAndSignIn(server, 'viewer', [other.id])).token);
  const credential = await createCredential(server, { username: 'netops', secret: 'router-password' });
  const router = await createDevice(server, {
    credentialId: credential.id,
    name: 'rtr1.example.net',
    host: '192.0.2.1',
    pluginKey: 'cisco_ios',
    deviceGroupId: group.id,
  });
  const spare = await createDevice(server, { name: 'spare1', host: '192.0.2.2', pluginKey: 'noop' });
  world.routerId = router.id;
  world.spareId = spare.id;
  const texts = [
    'hostname rtr1\n!\nend\n',
    'hostname rtr1\ninterface Gi0/1\n!\nend\n',
    'hostname rtr1\ninterface Gi0/1\n description uplink\n!\nend\n',
  ];
  world.versions = [];
  for (const [i, text] of texts.entries()) {
    const row = await seedVersion(server, {
      deviceId: router.id,
      deviceName: router.name,
      bytes: text,
      createdAt: new Date(Date.UTC(2025, 1, 5, 18, i, 0)),
    });
    world.versions.push(row.id);
  }
  // A finished job, so `last` is filled in as Oxidized fills it from its last run.
  await server.app.database.db.insert(jobs).values({
    deviceId: router.id,
    status: 'failed',
    errorCode: 'connection_refused',
    startedAt: new Date(Date.UTC(2025, 1, 5, 18, 49, 0)),
    finishedAt: new Date(Date.UTC(2025, 1, 5, 18, 49, 10)),
  });
});

after(() => server?.stop());

describe('the Oxidized-compatible REST API', () => {
  it('answers nodes.json with oxidized-web node objects (status and time added, ungrouped nodes in default)', async () => {
    const nodes = await json('/nodes.json');

    assertShape(nodes, [listedNodeShape]);
    const router = nodes.find((node: { name: string }) => node.name === 'rtr1.example.net');
    assert.deepEqual(router, {
      name: 'rtr1.example.net',
      full_name: 'core/dc1/rtr1.example.net',
      ip: '192.0.2.1',
      group: 'core/dc1',
      model: 'IOS',
      last: { start: '2025-02-05 18:49:00 UTC', end: '2025-02-05 18:49:10 UTC', status: 'no_connection', time: 10 },
      vars: {},
      mtime: '2025-02-05 18:02:00 UTC',
      status: 'no_connection',
      time: '2025-02-05 18:49:10 UTC',
    });
    const spare = nodes.find((node: { name: string }) => node.name === 'spare1');
    assert.equal(spare.group, 'default');
    assert.equal(spare.last, null);
    assert.equal(spare.status, 'never');
    assert.equal(spare.time, 'never');
    assert.equal(spare.mtime, 'unknown');
  });

  it('filters nodes by group (slashes included), the default group and model, as /nodes/:filter/* does', async () => {
    const byGroup = await json('/nodes/group/core/dc1.json');
    const byDefault = await json('/nodes/group/default.json');
    const byModel = await json('/nodes/model/IOS.json');

    assert.deepEqual(
      byGroup.map((node: { name: string }) => node.name),
      ['rtr1.example.net'],
    );
    assert.deepEqual(
      byDefault.map((node: { name: string }) => node.name),
      ['spare1'],
    );
    assert.deepEqual(
      byModel.map((node: { name: string }) => node.name),
      ['rtr1.example.net'],
    );
    assertShape(byGroup, [listedNodeShape]);
  });

  it('answers node/show/:node with Node#serialize (group null for an ungrouped node), by name or address', async () => {
    const shown = await json('/node/show/rtr1.example.net.json');
    const byFormat = await json('/node/show/rtr1.example.net?format=json');
    const byAddress = await json('/node/show/192.0.2.1.json');
    const spare = await json('/node/show/spare1.json');

    assertShape(shown, nodeShape);
    assertShape(shown.last, lastShape);
    assert.deepEqual(byFormat, shown);
    assert.deepEqual(byAddress, shown);
    assert.equal(spare.group, null);
    assert.equal(spare.full_name, 'spare1');
  });

  it('answers node/fetch with the latest config as text, as lines with .json, with or without a group', async () => {
    const text = await (await get('/node/fetch/rtr1.example.net')).text();
    const withGroup = await (await get('/node/fetch/core/dc1/rtr1.example.net')).text();
    const lines = await json('/node/fetch/rtr1.example.net.json');
    const missing = await get('/node/fetch/nosuch');

    assert.equal(text, 'hostname rtr1\ninterface Gi0/1\n description uplink\n!\nend\n');
    assert.equal(withGroup, text);
    assert.deepEqual(lines, ['hostname rtr1\n', 'interface Gi0/1\n', ' description uplink\n', '!\n', 'end\n']);
    assert.equal(missing.status, 200);
    assert.equal(await missing.text(), "unable to find 'nosuch'");
  });

  it('answers node/version.json with hash_list entries, newest first, paged by limit and before', async () => {
    const versions = await json('/node/version.json?node_full=core/dc1/rtr1.example.net');
    const byFormat = await json('/node/version?node_full=rtr1.example.net&format=json');
    const page = await json(`/node/version.json?node_full=rtr1.example.net&limit=1&before=${world.versions[2]}`);

    assertShape(versions, [versionShape]);
    assert.deepEqual(
      versions.map((version: { oid: string }) => version.oid),
      [...world.versions].reverse(),
    );
    assert.match(versions[0].date, rubyTime);
    assert.equal(versions[0].date, '2025-02-05 18:02:00 +0000');
    assert.equal(versions[0].message, 'update rtr1.example.net');
    assert.deepEqual(byFormat, versions);
    assert.deepEqual(
      page.map((version: { oid: string }) => version.oid),
      [world.versions[1]],
    );
  });

  it('answers node/version/view.json with the lines of one version and text with format=text', async () => {
    const query = `node=rtr1.example.net&group=core/dc1&oid=${world.versions[0]}&epoch=1738778400&num=1`;
    const lines = await json(`/node/version/view.json?${query}`);
    const text = await (await get(`/node/version/view?${query}&format=text`)).text();
    const missing = await json('/node/version/view.json?node=rtr1.example.net&oid=nope');

    assert.deepEqual(lines, ['hostname rtr1\n', '!\n', 'end\n']);
    assert.equal(text, 'hostname rtr1\n!\nend\n');
    assert.deepEqual(missing, ['version not found']);
  });

  it('answers node/version/diffs with the patch against the previous version (or oid2) as lines', async () => {
    const diff = await json(`/node/version/diffs?node=rtr1.example.net&group=&oid=${world.versions[2]}&format=json`);
    const against = await json(
      `/node/version/diffs?node=rtr1.example.net&group=&oid=${world.versions[2]}&oid2=${world.versions[0]}&format=json`,
    );
    const first = await json(`/node/version/diffs?node=rtr1.example.net&oid=${world.versions[0]}&format=json`);

    assertShape(diff, ['string']);
    assert.equal(diff[0], 'diff --git a/core/dc1/rtr1.example.net b/core/dc1/rtr1.example.net\n');
    assert.ok(diff.includes('+ description uplink\n'));
    assert.equal(diff.filter((line: string) => line.startsWith('+') && !line.startsWith('+++')).length, 1);
    assert.equal(against.filter((line: string) => line.startsWith('+') && !line.startsWith('+++')).length, 2);
    assert.deepEqual(first, ['No diff available']);
  });

  it('answers nodes/conf_search with the nodes whose latest config matches (form or JSON body)', async () => {
    const form = await json('/nodes/conf_search.json', token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ search_in_conf_textbox: '^ description up' }).toString(),
    });
    const body = await json('/nodes/conf_search?format=json', token, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ search_in_conf_textbox: 'nothing-matches-this' }),
    });
    const invalid = await get('/nodes/conf_search.json', token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'search_in_conf_textbox=(unclosed',
    });

    assertShape(form, [confSearchShape]);
    assert.deepEqual(form, [{ node: 'rtr1.example.net', full_name: 'core/dc1/rtr1.example.net' }]);
    assert.deepEqual(body, []);
    assert.equal(invalid.status, 400);
  });

  it('refuses requests without a token and shows other groups’ nodes to nobody', async () => {
    const anonymous = await get('/nodes.json', null);
    const basic = await fetch(`${server.url}/oxidized/nodes.json`, {
      headers: { authorization: `Basic ${Buffer.from(`librenms:${viewerAToken}`).toString('base64')}` },
    });
    const ofB = await json('/nodes.json', viewerBToken);
    const fetchedByB = await (await get('/node/fetch/rtr1.example.net', viewerBToken)).text();
    const versionsByB = await json('/node/version.json?node_full=rtr1.example.net', viewerBToken);

    assert.equal(anonymous.status, 401);
    assert.equal(basic.status, 200);
    assert.deepEqual(
      ((await basic.json()) as { name: string }[]).map((node) => node.name),
      ['rtr1.example.net'],
    );
    assert.equal(
      ofB.some((node: { name: string }) => node.name === 'rtr1.example.net'),
      false,
    );
    assert.equal(fetchedByB, "unable to find 'rtr1.example.net'");
    assert.deepEqual(versionsByB, ['node not found']);
  });

  it('queues a job on PUT node/next and the resulting version carries the user as changedBy', async () => {
    const refused = await get('/node/next/spare1.json', viewerAToken, { method: 'PUT', body: '{}' });
    const redirect = await get('/node/next/core/dc1/rtr1.example.net', viewerAToken);

    const answer = await json('/node/next/spare1.json', token, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'alice', email: 'alice@example.net', msg: 'changed the ACL' }),
    });

    assert.equal(refused.status, 404, 'a device outside the token’s groups is not found');
    assert.equal(redirect.status, 403, 'a viewer may not queue backups');
    assert.deepEqual(answer, ['ok']);
    const db = server.app.database.db;
    const [job] = await db.select().from(jobs).where(eq(jobs.deviceId, world.spareId));
    assert.equal(job!.changedBy, 'alice');
    assert.match(job!.requestedBy ?? '', /Oxidized API: changed the ACL/);
    let version: typeof backups.$inferSelect | undefined;
    for (let i = 0; i < 600 && !version; i++) {
      [version] = await db.select().from(backups).where(eq(backups.deviceId, world.spareId));
      if (!version) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(version, 'the queued job stored a version');
    assert.equal(version.changedBy, 'alice');
    const versions = await json('/node/version.json?node_full=spare1');
    assert.equal(versions[0].author.name, 'alice');
  });

  it('is not served unless DEVICEVAULT_OXIDIZED_API is on', async () => {
    const off = await startTestServer();
    try {
      const response = await fetch(`${off.url}/oxidized/nodes.json`, {
        headers: { authorization: `Bearer ${off.adminToken}` },
      });
      await response.arrayBuffer();

      assert.equal(response.status, 404);
    } finally {
      await off.stop();
    }
  });

  it('redirects GET node/next without .json to the node list, as oxidized-web does', async () => {
    const response = await get('/node/next/spare1', token);

    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), '/oxidized/nodes');
  });
});
