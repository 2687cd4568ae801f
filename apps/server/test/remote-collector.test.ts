/**
 * Remote collectors (issue 13 item 4): `devicevault collector` processes dial out to a real server, collect
 * their zone's replayed SSH devices, and stream the artefacts back; the server stores and records. The same
 * scenario runs twice: on loopback, then with the collector and its devices inside a network namespace joined
 * to the server by a veth pair, so the collector reaches the server but the server cannot reach the devices
 * (they listen on the namespace's own loopback). Checked: the server's own runner leaves a zone's jobs; a
 * collector killed mid-job has the job retried once its lease expires, and nothing is stored twice; revoking
 * its token stops a collector at once (exit code 3).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRecording } from '@devicevault/plugins/replay/load-recording';
import { startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { auditLog, backups } from '@devicevault/schema/db/tables';
import { eq, like } from 'drizzle-orm';
import { createDeviceGroup, mutate } from './support/api-builders.js';
import { createCredential, createDevice, triggerBackup } from './support/builders.js';
import { type GqlData, startTestServer, type TestServer } from './support/test-server.js';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const recording = fileURLToPath(
  new URL(
    '../../../packages/plugins/fixtures/device-sessions/ios/C9200L-24P-4G_17.09.04a.simulation.yaml',
    import.meta.url,
  ),
);
const replayChild = fileURLToPath(new URL('./support/replay-child.ts', import.meta.url));
const node = process.execPath;
const tsxArgs = ['--conditions=source', '--import', 'tsx'];

/** A network namespace, or null when this machine can't make one (not root, no `ip`). */
interface Namespace {
  name: string;
  /** The server's address as the namespace reaches it (the host end of the veth pair). */
  hostAddress: string;
  /** The namespace's end of the veth pair (the server can route to it, but nothing listens there). */
  nsAddress: string;
}

/** Runs `argv` in the namespace (or directly). */
function inNamespace(ns: Namespace | null, argv: string[]): [string, string[]] {
  return ns ? ['ip', ['netns', 'exec', ns.name, ...argv]] : [argv[0]!, argv.slice(1)];
}

interface Child {
  process: ChildProcess;
  lines: string[];
  exit: Promise<number | null>;
}

function spawnChild(ns: Namespace | null, argv: string[]): Child {
  const [command, args] = inNamespace(ns, argv);
  const child = spawn(command, args, { cwd: serverDir, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(`stderr: ${line}`));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, lines, exit };
}

async function startReplay(ns: Namespace | null, fault?: string): Promise<{ port: number; child: Child }> {
  const child = spawnChild(ns, [node, ...tsxArgs, replayChild, recording, '127.0.0.1', ...(fault ? [fault] : [])]);
  await waitFor(() => child.lines.some((line) => line.startsWith('{')), 'the replay device to listen', 60_000);
  const { port } = JSON.parse(child.lines.find((line) => line.startsWith('{'))!) as { port: number };
  return { port, child };
}

function startCollector(ns: Namespace | null, serverUrl: string, token: string): Child {
  return spawnChild(ns, [
    node,
    ...tsxArgs,
    'src/cli/main.ts',
    'collector',
    '--server',
    serverUrl,
    '--token',
    token,
    '--workers',
    '1',
    '--sessions-per-worker',
    '4',
    // Across the namespace the test server speaks plain HTTP on the veth address (no TLS in tests).
    ...(ns ? ['--allow-http'] : []),
  ]);
}

async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  deadlineMs = 90_000,
): Promise<Exclude<T, false | null | undefined>> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, false | null | undefined>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Makes a namespace with loopback and a veth pair to the host; null (with the reason) when that fails. */
function makeNamespace(): Namespace | string {
  const tag = `${process.pid % 10_000}`;
  const name = `dvc-test-${tag}`;
  const octet = 16 + (process.pid % 200);
  const ns = { name, hostAddress: `10.231.${octet}.1`, nsAddress: `10.231.${octet}.2` };
  const hostEnd = `dvh${tag}`;
  const nsEnd = `dvn${tag}`;
  try {
    execFileSync('ip', ['netns', 'add', name], { stdio: 'pipe' });
  } catch (error) {
    return `\`ip netns add\` failed (${String((error as { stderr?: Buffer }).stderr ?? error).trim()})`;
  }
  try {
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
    ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', nsEnd);
    ip('link', 'set', nsEnd, 'netns', name);
    ip('addr', 'add', `${ns.hostAddress}/30`, 'dev', hostEnd);
    ip('link', 'set', hostEnd, 'up');
    ip('netns', 'exec', name, 'ip', 'addr', 'add', `${ns.nsAddress}/30`, 'dev', nsEnd);
    ip('netns', 'exec', name, 'ip', 'link', 'set', nsEnd, 'up');
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
    return ns;
  } catch (error) {
    removeNamespace(ns);
    return `setting up the veth pair failed (${String((error as { stderr?: Buffer }).stderr ?? error).trim()})`;
  }
}

function removeNamespace(ns: Namespace) {
  // Deleting the namespace deletes its end of the veth pair, and with it the host's end.
  try {
    execFileSync('ip', ['netns', 'del', ns.name], { stdio: 'pipe' });
  } catch {}
}

/** The same scenario on loopback (`ns` null) and across a namespace. */
function remoteCollectorScenario(setup: () => Promise<{ ns: Namespace | null; skip?: string }>) {
  let server: TestServer;
  let ns: Namespace | null = null;
  let serverUrl: string;
  let skipReason: string | undefined;
  const children: Child[] = [];
  let collector: Child | undefined;
  let token: string;
  let collectorId: string;
  let zoneId: string;
  let credentialId: string;
  let goodPort: number;
  let hangPort: number;

  const gql = async (query: string, variables?: Record<string, unknown>): Promise<GqlData> => {
    const result = await server.gql(query, variables);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data;
  };

  async function jobState(jobId: string) {
    const data = await gql('query ($id: ID!) { job(id: $id) { status attempts log { status message } } }', {
      id: jobId,
    });
    return data.job as { status: string; attempts: number; log: { status: string; message: string }[] };
  }

  async function backupCount(deviceId: string) {
    const rows = await server.app.database.db.select().from(backups).where(eq(backups.deviceId, deviceId));
    return rows.length;
  }

  function track(child: Child) {
    children.push(child);
    return child;
  }

  before(async () => {
    const prepared = await setup();
    ns = prepared.ns;
    skipReason = prepared.skip;
    if (skipReason) return;
    // A 2 s lease, so a vanished collector's job is retried quickly. Across the namespace the server listens on
    // every address (its veth end included); the test talks to it on loopback.
    server = await startTestServer({ jobLeaseSeconds: 2, host: ns ? '0.0.0.0' : '127.0.0.1' });
    const port = new URL(server.url).port;
    serverUrl = ns ? `http://${ns.hostAddress}:${port}` : server.url;
    const zone = await gql(
      'mutation { createZone(input: { name: "branch" }) { ... on CreateZoneSuccess { zone { id } } } }',
    );
    zoneId = zone.createZone.zone.id;
    const created = await gql(
      'mutation ($zoneId: ID!) { createCollector(input: { name: "branch-1", zoneId: $zoneId }) { ... on CreateCollectorSuccess { token collector { id } } } }',
      { zoneId },
    );
    token = created.createCollector.token;
    collectorId = created.createCollector.collector.id;
    credentialId = (await createCredential(server, { username: 'netops', secret: 'pw' })).id;
    const good = await startReplay(ns);
    const hang = await startReplay(ns, 'hang_after_auth');
    track(good.child);
    track(hang.child);
    goodPort = good.port;
    hangPort = hang.port;
  });

  after(async () => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
    await Promise.all(children.map((child) => child.exit));
    await server?.stop();
    if (ns) removeNamespace(ns);
  });

  async function zonedDevice(port: number, deviceGroupId?: string) {
    const device = await createDevice(server, { pluginKey: 'cisco_ios', port, credentialId, deviceGroupId });
    await gql('mutation ($input: UpdateDeviceInput!) { updateDevice(input: $input) { __typename } }', {
      input: { id: device.id, zoneId },
    });
    return device;
  }

  it("collects the zone's device only through the collector, and stores its version once", async (t) => {
    if (skipReason) return t.skip(skipReason);
    if (ns) {
      // The server can't reach the device: it listens on the namespace's loopback.
      assert.equal(await canConnect(ns.nsAddress, goodPort), false, 'the server reached into the namespace');
      assert.equal(await canConnect(ns.nsAddress, 1), false);
    }
    const device = await zonedDevice(goodPort);
    const { job } = await triggerBackup(server, device.id);

    // The server's runner looks every second (and when the job is queued): it must leave the job alone.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    assert.equal((await jobState(job!.id)).status, 'queued', "the server's own runner took a zone's job");

    collector = track(startCollector(ns, serverUrl, token));
    const done = await waitFor(async () => {
      const state = await jobState(job!.id);
      return ['succeeded', 'failed'].includes(state.status) && state;
    }, 'the collector to finish the job');
    assert.equal(done.status, 'succeeded', JSON.stringify({ log: done.log, collector: collector.lines }));
    assert.equal(await backupCount(device.id), 1);
    assert.ok(
      done.log.some((line) => line.message.startsWith('running ')),
      `the plugin's progress lines reach the job log: ${JSON.stringify(done.log)}`,
    );
    const zoneOf = await gql('query ($id: ID!) { device(id: $id) { zone { id name } } }', { id: device.id });
    assert.deepEqual(zoneOf.device.zone, { id: zoneId, name: 'branch' });
    // The outcome's audit row is written once the server has recorded the job: wait for it.
    const audited = await waitFor(async () => {
      const rows = await server.app.database.db
        .select({ action: auditLog.action, actor: auditLog.actorLabel })
        .from(auditLog)
        .where(like(auditLog.action, 'collector.%'));
      const actions = new Set(rows.map((row) => row.action));
      return ['collector.claim', 'collector.upload', 'collector.finish'].every((action) => actions.has(action)) && rows;
    }, 'the claim, upload and outcome in the audit log');
    assert.ok(audited.every((row) => row.actor === 'collector:branch-1'));
  });

  it("stores an uploaded text as the user's scrub rule left it, measured again", async (t) => {
    if (skipReason) return t.skip(skipReason);
    assert.ok(collector, 'the collector of the first test');
    // The text arrives as an uploaded file; the rule changes it, so what is stored is the ruled text in memory,
    // not the upload. The mask is as long as what it hides, so only the stored bytes themselves tell them apart.
    const group = await createDeviceGroup(server);
    const rule = {
      pattern: '^( description) oxidized test one$',
      replacement: '$1 XXXXXXXXXXXXXXXXX',
      pluginKey: 'cisco_ios',
    };
    const created = await mutate(server, 'createScrubRule', { ...rule, deviceGroupId: group.id }, 'scrubRule { id }');
    assert.equal(created.__typename, 'CreateScrubRuleSuccess');
    const device = await zonedDevice(goodPort, group.id);
    await mutate(server, 'updateDevice', { id: device.id, scrubSecrets: true }, 'device { id }');
    const { job } = await triggerBackup(server, device.id);

    const done = await waitFor(async () => {
      const state = await jobState(job!.id);
      return ['succeeded', 'failed'].includes(state.status) && state;
    }, 'the collector to finish the job');
    assert.equal(done.status, 'succeeded', JSON.stringify(done.log));
    const stored = await gql('query ($id: ID!) { job(id: $id) { backup { sha256 size downloadUrl } } }', {
      id: job!.id,
    });
    const { sha256, size, downloadUrl } = stored.job.backup as { sha256: string; size: number; downloadUrl: string };
    const response = await fetch(downloadUrl, { headers: { authorization: `Bearer ${server.adminToken}` } });
    assert.equal(response.status, 200);
    const bytes = Buffer.from(await response.arrayBuffer());
    const content = bytes.toString('utf8');
    assert.doesNotMatch(content, /description oxidized test one/);
    assert.match(content, /^ description X{17}$/m);
    assert.equal(size, bytes.length);
    assert.equal(sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(await backupCount(device.id), 1);
  });

  it('retries a killed collector’s job once its lease expires, storing nothing twice', async (t) => {
    if (skipReason) return t.skip(skipReason);
    assert.ok(collector, 'the collector of the first test');
    const device = await zonedDevice(hangPort);
    const { job } = await triggerBackup(server, device.id);
    // The device accepts the login and never answers: the job stays mid-collection in the collector.
    await waitFor(async () => (await jobState(job!.id)).status === 'running', 'the collector to claim the job');
    await waitFor(() => collector!.lines.some((line) => line.includes(job!.id)), 'the collector to start the job');
    collector!.process.kill('SIGKILL');
    await collector!.exit;

    const requeued = await waitFor(async () => {
      const state = await jobState(job!.id);
      return state.status === 'queued' && state.log.some((line) => line.message.includes('runs again')) && state;
    }, 'the job to go back to the queue after its lease expired');
    assert.equal(requeued.attempts, 0, 'an interruption is not counted as an attempt');
    // The device answers now; a collector of the zone (restarted) takes the retry.
    await gql('mutation ($input: UpdateDeviceInput!) { updateDevice(input: $input) { __typename } }', {
      input: { id: device.id, port: goodPort },
    });
    collector = track(startCollector(ns, serverUrl, token));
    const done = await waitFor(async () => {
      const state = await jobState(job!.id);
      return ['succeeded', 'failed'].includes(state.status) && state;
    }, 'the retried job to finish');
    assert.equal(done.status, 'succeeded', JSON.stringify({ log: done.log, collector: collector.lines }));
    assert.equal(await backupCount(device.id), 1, 'stored once');
  });

  it('stops a cancelled job, and gives its jobs back at once when stopped with SIGTERM', async (t) => {
    if (skipReason) return t.skip(skipReason);
    assert.ok(collector && collector.process.exitCode === null, 'a running collector');
    const hold = async () => {
      const device = await zonedDevice(hangPort);
      const { job } = await triggerBackup(server, device.id);
      await waitFor(async () => (await jobState(job!.id)).status === 'running', 'the collector to claim the job');
      await waitFor(() => collector!.lines.some((line) => line.includes(job!.id)), 'the collector to start the job');
      return job!.id;
    };
    const cancelled = await hold();
    await gql('mutation ($id: ID!) { cancelJob(input: { id: $id }) { __typename } }', { id: cancelled });
    await waitFor(
      () => collector!.lines.some((line) => line.includes(`job ${cancelled}: the server took it back`)),
      'the collector to stop the cancelled job',
    );
    assert.equal((await jobState(cancelled)).status, 'failed');

    const held = await hold();
    collector!.process.kill('SIGTERM');
    assert.equal(await collector!.exit, 0, collector!.lines.join('\n'));
    assert.ok(collector!.lines.some((line) => line.includes('gave 1 unfinished job(s) back')));
    const state = await waitFor(async () => {
      const current = await jobState(held);
      return current.status === 'queued' && current;
    }, 'the job to be queued again');
    assert.equal(state.attempts, 0);
    assert.ok(!state.log.some((line) => line.message.includes('runs again')), 'given back, not expired');
    // The zone's next collector (and the revocation test below) starts from here.
    collector = track(startCollector(ns, serverUrl, token));
  });

  it('refuses an upload declared over the cap, and an unknown token', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const tooLarge = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        `${server.url}/collector/v1/jobs/${randomUUID()}/artefact`,
        { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-length': String(3 * 1024 ** 3) } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
          request.destroy();
        },
      );
      request.on('error', reject);
      request.write('x');
    });
    assert.equal(tooLarge, 413);
    const unknown = await fetch(`${server.url}/collector/v1/claim`, {
      method: 'POST',
      headers: { authorization: 'Bearer dvc_not-a-real-token-at-all', 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(unknown.status, 401);
    await unknown.text();
  });

  it('stops the collector at once when its token is revoked, gives its job back, and refuses the token', async (t) => {
    if (skipReason) return t.skip(skipReason);
    assert.ok(collector && collector.process.exitCode === null, 'a running collector');
    // A job held mid-collection when the token is revoked.
    const device = await zonedDevice(hangPort);
    const { job } = await triggerBackup(server, device.id);
    await waitFor(async () => (await jobState(job!.id)).status === 'running', 'the collector to claim the job');
    await waitFor(() => collector!.lines.some((line) => line.includes(job!.id)), 'the collector to start the job');
    const revoked = await gql('mutation ($id: ID!) { revokeCollector(input: { id: $id }) { __typename } }', {
      id: collectorId,
    });
    assert.equal(revoked.revokeCollector.__typename, 'RevokeCollectorSuccess');
    // Its waiting claim is answered 401 at once, and it exits with its own code and a clear message.
    const code = await collector!.exit;
    assert.equal(code, 3, collector!.lines.join('\n'));
    assert.ok(collector!.lines.some((line) => line.includes('revoked')));
    const refused = await fetch(`${server.url}/collector/v1/claim`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ room: 1, waitMs: 0 }),
    });
    assert.equal(refused.status, 401);
    await refused.text();
    // Its job went back to the queue at revocation (not after its lease: no "runs again" line), unattempted.
    const state = await waitFor(async () => {
      const current = await jobState(job!.id);
      return current.status === 'queued' && current;
    }, 'the revoked collector’s job to be queued again');
    assert.equal(state.attempts, 0);
    assert.ok(!state.log.some((line) => line.message.includes('runs again')), JSON.stringify(state.log));
  });
}

describe('remote collector on loopback', () => {
  remoteCollectorScenario(async () => ({ ns: null }));
});

describe('remote collector in a network namespace the server cannot reach', () => {
  let ns: Namespace | null = null;
  remoteCollectorScenario(async () => {
    if (process.getuid?.() !== 0) return { ns: null, skip: 'network namespaces need root' };
    const made = makeNamespace();
    if (typeof made === 'string') return { ns: null, skip: `no network namespace: ${made}` };
    ns = made;
    return { ns };
  });
  after(() => {
    if (ns) removeNamespace(ns);
  });
});

/** A TCP relay to the server that the test can cut (every connection dropped) and restore on the same port. */
function relay(targetPort: number) {
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  // A connection the listener hands over after a cut (accepted just before it) would otherwise live on,
  // and a collector reusing it (keep-alive) would never notice the cut.
  let cutting = false;
  return {
    async open(port = 0): Promise<number> {
      cutting = false;
      server = createServer((socket) => {
        if (cutting) return socket.destroy();
        const upstream = connect(targetPort, '127.0.0.1');
        for (const end of [socket, upstream]) {
          sockets.add(end);
          end.on('close', () => sockets.delete(end));
          end.on('error', () => {
            socket.destroy();
            upstream.destroy();
          });
        }
        socket.pipe(upstream).pipe(socket);
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
      return (server.address() as { port: number }).port;
    },
    async cut() {
      cutting = true;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = null;
    },
  };
}

describe('a remote collector that loses the server', () => {
  let server: TestServer;
  let collector: Child | undefined;
  let replay: Awaited<ReturnType<typeof startReplayServer>>;
  let link: ReturnType<typeof relay> | undefined;

  after(async () => {
    if (collector && collector.process.exitCode === null) collector.process.kill('SIGKILL');
    await collector?.exit;
    await link?.cut();
    await replay?.close();
    await server?.stop();
  });

  it('retries with backoff and collects again once the server is back', async () => {
    server = await startTestServer({ jobLeaseSeconds: 2 });
    replay = await startReplayServer(await loadRecording(recording), { username: 'netops', password: 'pw' });
    const data = async (query: string, variables?: Record<string, unknown>): Promise<GqlData> =>
      (await server.gql(query, variables)).data;
    const zoneId = (
      await data('mutation { createZone(input: { name: "far" }) { ... on CreateZoneSuccess { zone { id } } } }')
    ).createZone.zone.id;
    const { token } = (
      await data(
        'mutation ($zoneId: ID!) { createCollector(input: { name: "far-1", zoneId: $zoneId }) { ... on CreateCollectorSuccess { token } } }',
        { zoneId },
      )
    ).createCollector;
    const credentialId = (await createCredential(server, { username: 'netops', secret: 'pw' })).id;
    const device = await createDevice(server, { pluginKey: 'cisco_ios', port: replay.port, credentialId });
    await data('mutation ($input: UpdateDeviceInput!) { updateDevice(input: $input) { __typename } }', {
      input: { id: device.id, zoneId },
    });
    link = relay(Number(new URL(server.url).port));
    const port = await link.open();
    collector = startCollector(null, `http://127.0.0.1:${port}`, token);
    await waitFor(() => collector!.lines.some((line) => line.includes('collector started')), 'the collector to start');

    await link.cut();
    await waitFor(
      () => collector!.lines.some((line) => line.includes('cannot reach the server')),
      'the collector to notice',
    );
    const { job } = await triggerBackup(server, device.id);
    assert.equal(collector.process.exitCode, null, 'it keeps trying');
    await link.open(port);

    const done = await waitFor(async () => {
      const state = (await data('query ($id: ID!) { job(id: $id) { status log { message } } }', { id: job!.id })).job;
      return ['succeeded', 'failed'].includes(state.status) && state;
    }, 'the job to be collected after reconnecting');
    assert.equal(done.status, 'succeeded', JSON.stringify({ done, collector: collector.lines }));
    assert.ok(collector.lines.some((line) => line.includes('connected to the server again')));
  });
});

/** Every file under `dir` named `name` (the job's spool directory is named after its lease). */
async function findFiles(dir: string, name: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile() && entry.name === name).map((entry) => join(entry.parentPath, name));
}

describe('the collector protocol, spoken by hand', () => {
  let server: TestServer;
  after(async () => {
    await server?.stop();
  });

  it('hands out the decrypted task, streams the upload to the spool as it arrives, then stores it', async () => {
    server = await startTestServer({ jobLeaseSeconds: 30 });
    const data = async (query: string, variables?: Record<string, unknown>): Promise<GqlData> =>
      (await server.gql(query, variables)).data;
    const zoneId = (
      await data('mutation { createZone(input: { name: "hand" }) { ... on CreateZoneSuccess { zone { id } } } }')
    ).createZone.zone.id;
    const { token } = (
      await data(
        'mutation ($zoneId: ID!) { createCollector(input: { name: "hand-1", zoneId: $zoneId }) { ... on CreateCollectorSuccess { token } } }',
        { zoneId },
      )
    ).createCollector;
    const credentialId = (await createCredential(server, { username: 'netops', secret: 'hand-secret' })).id;
    const device = await createDevice(server, { pluginKey: 'cisco_ios', port: 1, credentialId });
    await data('mutation ($input: UpdateDeviceInput!) { updateDevice(input: $input) { __typename } }', {
      input: { id: device.id, zoneId },
    });
    const { job } = await triggerBackup(server, device.id);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    const claim = await fetch(`${server.url}/collector/v1/claim`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ room: 4, waitMs: 10_000 }),
    });
    const { tasks } = (await claim.json()) as { tasks: { jobId: string; target: { password: string } }[] };
    assert.deepEqual(
      tasks.map((task) => task.jobId),
      [job!.id],
    );
    assert.equal(tasks[0]!.target.password, 'hand-secret', 'the credential, decrypted for the collector');

    // 2 MiB of config in two halves; the first must be on disk in the job's spool before the second is sent.
    const half = Buffer.from(`${'interface GigabitEthernet1/0/1\n description uplink\n'.repeat(20_000)}`);
    const body = Buffer.concat([half, half]);
    const uploaded = new Promise<{ sha256: string; size: number }>((resolve, reject) => {
      const request = httpRequest(
        `${server.url}/collector/v1/jobs/${job!.id}/artefact`,
        { method: 'PUT', headers: { authorization: `Bearer ${token}` } },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
          });
          response.on('end', () => (response.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(text))));
        },
      );
      request.on('error', reject);
      request.write(half);
      void waitFor(async () => {
        for (const file of await findFiles(join(server.dataDir, 'spool'), 'remote-artefact'))
          if ((await stat(file)).size >= half.length) return true;
        return false;
      }, 'the first half in the spool file').then(() => request.end(half), reject);
    });
    const received = await uploaded;
    const sha256 = createHash('sha256').update(body).digest('hex');
    assert.deepEqual(received, { sha256, size: body.length });

    const finish = await fetch(`${server.url}/collector/v1/jobs/${job!.id}/finish`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        outcome: { ok: true, isBinary: false, sha256, size: body.length },
        lines: ['hello from a collector spoken by hand'],
      }),
    });
    assert.deepEqual(await finish.json(), { status: 'succeeded', errorCode: null });
    const stored = await data('query ($id: ID!) { job(id: $id) { log { message } backup { sha256 size } } }', {
      id: job!.id,
    });
    assert.deepEqual(stored.job.backup, { sha256, size: body.length });
    assert.ok(
      stored.job.log.some((line: { message: string }) => line.message === 'hello from a collector spoken by hand'),
    );
  });
});
