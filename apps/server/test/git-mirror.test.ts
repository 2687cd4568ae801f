/**
 * Remote git mirrors against a real `git daemon --enable=receive-pack` on loopback (inetd mode behind a
 * listener on port 0, so no fixed port): a push after each changed version; a remote that moved ahead is
 * fetched, merged and pushed again with both sides' commits; a dead remote shows in push health (API and a
 * GIT_PUSH_FAILING event) and recovers.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { events, storageLocations } from '@devicevault/schema/db/tables';
import { eq } from 'drizzle-orm';
import { createSecretBox, loadSecretKey } from '../src/secrets/secret-box.js';
import { gitPlain } from '../src/storage/git-cli.js';
import { createGitMirrors } from '../src/storage/git-mirror.js';
import { createStorageRegistry } from '../src/storage/storage-registry.js';
import { mutate } from './support/api-builders.js';
import { createDevice } from './support/builders.js';
import { startGitDaemon } from './support/git-daemon.js';
import { createLocation, seedVersion } from './support/seed-versions.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const sshd = '/usr/sbin/sshd';
let server: TestServer;
let remoteRoot: string;
let daemon: Server;
let daemonUrl: string;

async function until(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`never happened: ${what}`);
}

const remoteHead = async (repo: string, branch = 'main') =>
  (await gitPlain(['--git-dir', repo, 'rev-parse', `refs/heads/${branch}`]).catch(() => '')).trim();

before(async () => {
  server = await startTestServer();
  remoteRoot = await mkdtemp(join(tmpdir(), 'dv-remote-'));
  daemon = await startGitDaemon(remoteRoot);
  const port = (daemon.address() as { port: number }).port;
  daemonUrl = `git://127.0.0.1:${port}`;
});

after(async () => {
  await server?.stop();
  daemon?.close();
  if (remoteRoot) await rm(remoteRoot, { recursive: true, force: true });
});

/** A git location mirrored to a fresh bare repository served by the daemon, and a registry wired to push it. */
async function mirroredLocation(name: string) {
  const remote = join(remoteRoot, `${name}.git`);
  await gitPlain(['init', '--bare', '--quiet', '--initial-branch=main', remote]);
  const location = await createLocation(server, 'git', name);
  const set = await mutate(
    server,
    'setStorageMirror',
    { id: location.id, url: `${daemonUrl}/${name}.git` },
    'storageLocation { id mirrorUrl }',
  );
  assert.equal(set.__typename, 'SetStorageMirrorSuccess', JSON.stringify(set));
  const mirrors = createGitMirrors({
    db: server.app.database.db,
    log: { debug() {}, info() {}, warn() {}, error() {} } as never,
    dataDir: server.dataDir,
    decrypt: (text) => text,
    retryBaseMs: 200,
    maxRetryMs: 1000,
  });
  const storage = createStorageRegistry({
    db: server.app.database.db,
    dataDir: server.dataDir,
    afterGitCommit: (id) => mirrors.pushSoon(id),
  });
  const device = await createDevice(server, { pluginKey: 'noop', name: `${name}-rtr` });
  const version = (text: string) =>
    seedVersion(
      server,
      { deviceId: device.id, deviceName: device.name, bytes: text, locationId: location.id },
      storage,
    );
  const localHead = async () =>
    (await gitPlain(['--git-dir', join(server.dataDir, 'locations', name), 'rev-parse', 'refs/heads/main'])).trim();
  return { remote, location, mirrors, version, localHead };
}

async function health(id: string) {
  const result = await server.gql('{ storageLocations { id mirrorUrl lastPushAt lastPushError hasMirrorSecret } }');
  return result.data.storageLocations.find((row: { id: string }) => row.id === id);
}

describe('remote git mirrors', () => {
  it('pushes to a real git daemon after each changed version', async () => {
    const { remote, location, mirrors, version, localHead } = await mirroredLocation('pushes');

    await version('hostname r1\n');
    await until(async () => (await remoteHead(remote)) === (await localHead()), 'first push');
    const first = await localHead();
    await version('hostname r1\ninterface Gi0/1\n');
    await until(async () => (await remoteHead(remote)) === (await localHead()), 'second push');

    assert.notEqual(await localHead(), first);
    const log = await gitPlain(['--git-dir', remote, 'log', '--format=%s', 'main']);
    assert.equal(log.trim().split('\n').length, 2, 'one commit per changed version on the remote');
    await until(async () => (await health(location.id)).lastPushAt !== null, 'push health updated');
    assert.equal((await health(location.id)).lastPushError, null);
    await mirrors.stop();
  });

  it('fetches a remote that moved ahead and pushes again, keeping both sides’ commits', async () => {
    const { remote, mirrors, version, localHead } = await mirroredLocation('ahead');
    await version('hostname r1\n');
    await until(async () => (await remoteHead(remote)) === (await localHead()), 'first push');
    // Someone else commits to the mirror directly.
    const work = await mkdtemp(join(tmpdir(), 'dv-other-'));
    await gitPlain(['clone', '--quiet', remote, work]);
    await gitPlain([
      '-C',
      work,
      '-c',
      'user.name=Other',
      '-c',
      'user.email=o@example.net',
      'commit',
      '--quiet',
      '--allow-empty',
      '-m',
      'from elsewhere',
    ]);
    await gitPlain(['-C', work, 'push', '--quiet', 'origin', 'main']);
    const theirs = (await gitPlain(['-C', work, 'rev-parse', 'HEAD'])).trim();
    await rm(work, { recursive: true, force: true });

    await version('hostname r1\nntp server 192.0.2.1\n');
    const ours = await localHead();
    await until(async () => {
      const head = await remoteHead(remote);
      if (!head) return false;
      const hasOurs = await gitPlain(['--git-dir', remote, 'merge-base', '--is-ancestor', ours, head]).then(
        () => true,
        () => false,
      );
      const hasTheirs = await gitPlain(['--git-dir', remote, 'merge-base', '--is-ancestor', theirs, head]).then(
        () => true,
        () => false,
      );
      return hasOurs && hasTheirs;
    }, 'merged push with both commits');

    assert.equal(await remoteHead(remote), await localHead(), 'our branch holds the merge that was pushed');
    const subjects = (await gitPlain(['--git-dir', remote, 'log', '--format=%s', 'main'])).trim().split('\n');
    assert.ok(subjects.includes('from elsewhere'));
    assert.equal(subjects.filter((subject) => subject.startsWith('ahead-rtr:')).length, 2);
    await mirrors.stop();
  });

  it('shows a dead remote in push health and as an event, and recovers when it answers again', async () => {
    const { location, mirrors, version } = await mirroredLocation('dead');
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadPort = (dead.address() as { port: number }).port;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    await server.app.database.db
      .update(storageLocations)
      .set({ mirrorUrl: `git://127.0.0.1:${deadPort}/dead.git` })
      .where(eq(storageLocations.id, location.id));

    await version('hostname dead\n');
    await until(async () => (await health(location.id)).lastPushError !== null, 'push error recorded');

    const failing = await health(location.id);
    assert.match(failing.lastPushError, /git push failed/);
    const raised = await server.app.database.db.select().from(events).where(eq(events.kind, 'GIT_PUSH_FAILING'));
    assert.equal(raised.filter((event) => event.payload.storageLocationId === location.id).length, 1);
    // Retries keep failing without raising the event again; then the remote comes back.
    await new Promise((resolve) => setTimeout(resolve, 700));
    await server.app.database.db
      .update(storageLocations)
      .set({ mirrorUrl: `${daemonUrl}/dead.git` })
      .where(eq(storageLocations.id, location.id));
    await until(async () => (await health(location.id)).lastPushError === null, 'recovered by a retry');
    const all = await server.app.database.db.select().from(events);
    const mine = all.filter((event) => event.payload.storageLocationId === location.id).map((event) => event.kind);
    assert.deepEqual(mine.sort(), ['GIT_PUSH_FAILING', 'GIT_PUSH_RECOVERED']);
    await mirrors.stop();
  });

  it('pushes over SSH with an ed25519 key stored encrypted (a real sshd on loopback)', {
    skip: !existsSync(sshd),
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dv-sshd-'));
    await gitPlain(['init', '--bare', '--quiet', '--initial-branch=main', join(dir, 'ssh.git')]);
    for (const key of ['host_key', 'user_key'])
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'devicevault-test', '-f', join(dir, key)]);
    await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'user_key.pub')), { mode: 0o600 });
    await writeFile(
      join(dir, 'sshd_config'),
      [
        `HostKey ${join(dir, 'host_key')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PidFile none',
        'UsePAM no',
        'StrictModes no',
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    // sshd refuses to start without its privilege-separation directory (normally made by the service unit);
    // on a machine where no other test made it, each sshd exited at once and the push failed with EPIPE.
    await mkdir('/run/sshd', { recursive: true, mode: 0o755 }).catch(() => {});
    // `sshd -i` per connection (inetd mode) behind a listener on port 0.
    const listener = createServer((socket) => {
      const child = spawn(sshd, ['-i', '-f', join(dir, 'sshd_config')], { stdio: ['pipe', 'pipe', 'ignore'] });
      // An sshd that ended while data was still arriving must not throw in the test process: the push fails.
      child.stdin.on('error', () => socket.destroy());
      socket.pipe(child.stdin);
      child.stdout.pipe(socket);
      socket.on('error', () => child.kill());
      child.on('close', () => socket.end());
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    const location = await createLocation(server, 'git', 'ssh-mirror');
    const set = await mutate(
      server,
      'setStorageMirror',
      {
        id: location.id,
        url: `ssh://${userInfo().username}@127.0.0.1:${port}${join(dir, 'ssh.git')}`,
        sshPrivateKey: await readFile(join(dir, 'user_key'), 'utf8'),
      },
      'storageLocation { id hasMirrorSecret }',
    );
    assert.equal(set.__typename, 'SetStorageMirrorSuccess', JSON.stringify(set));
    const box = createSecretBox(await loadSecretKey(undefined, server.dataDir));
    const mirrors = createGitMirrors({
      db: server.app.database.db,
      log: { debug() {}, info() {}, warn() {}, error() {} } as never,
      dataDir: server.dataDir,
      decrypt: (text) => box.decrypt(text),
    });
    const storage = createStorageRegistry({
      db: server.app.database.db,
      dataDir: server.dataDir,
      afterGitCommit: (id) => mirrors.pushSoon(id),
    });
    const device = await createDevice(server, { pluginKey: 'noop', name: 'ssh-rtr' });

    await seedVersion(
      server,
      { deviceId: device.id, deviceName: device.name, bytes: 'hostname ssh\n', locationId: location.id },
      storage,
    );
    const local = (
      await gitPlain(['--git-dir', join(server.dataDir, 'locations', 'ssh-mirror'), 'rev-parse', 'refs/heads/main'])
    ).trim();
    await until(async () => (await remoteHead(join(dir, 'ssh.git'))) === local, 'pushed over SSH');

    // The remote sees the new head before the push process exits and its key file is removed.
    await until(async () => (await health(location.id)).lastPushAt !== null, 'push health updated');
    assert.equal((await health(location.id)).lastPushError, null);
    await until(
      async () => (await readdir(join(server.dataDir, 'mirror-keys'))).length === 0,
      'the key file lives only for the push',
    );
    await mirrors.stop();
    listener.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('pushes over HTTPS-style smart HTTP with a token sent as a header (real git http-backend)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dv-http-'));
    await gitPlain(['init', '--bare', '--quiet', '--initial-branch=main', join(dir, 'http.git')]);
    const token = 'mirror-token-0123456789';
    const expected = `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
    let refused = 0;
    // git http-backend as CGI, behind a check of the Authorization header a forge would make.
    const http = createHttpServer((request, response) => {
      if (request.headers.authorization !== expected) {
        refused++;
        response.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end();
        return;
      }
      const url = new URL(request.url ?? '/', 'http://localhost');
      const cgi = spawn('git', ['http-backend'], {
        env: {
          ...process.env,
          GIT_PROJECT_ROOT: dir,
          GIT_HTTP_EXPORT_ALL: '1',
          REMOTE_USER: 'x-access-token',
          PATH_INFO: url.pathname,
          QUERY_STRING: url.search.slice(1),
          REQUEST_METHOD: request.method ?? 'GET',
          CONTENT_TYPE: request.headers['content-type'] ?? '',
        },
        stdio: ['pipe', 'pipe', 'ignore'],
      });
      request.pipe(cgi.stdin);
      const chunks: Buffer[] = [];
      cgi.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      cgi.on('close', () => {
        const all = Buffer.concat(chunks);
        const split = all.indexOf('\r\n\r\n');
        const headers = all.subarray(0, split).toString('utf8').split('\r\n');
        let status = 200;
        for (const line of headers) {
          const [name, ...rest] = line.split(':');
          const value = rest.join(':').trim();
          if (name!.toLowerCase() === 'status') status = Number.parseInt(value, 10);
          else response.setHeader(name!, value);
        }
        response.writeHead(status).end(all.subarray(split + 4));
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as { port: number }).port;
    const location = await createLocation(server, 'git', 'http-mirror');
    const set = await mutate(
      server,
      'setStorageMirror',
      { id: location.id, url: `http://127.0.0.1:${port}/http.git`, token },
      'storageLocation { id }',
    );
    assert.equal(set.__typename, 'SetStorageMirrorSuccess', JSON.stringify(set));
    const box = createSecretBox(await loadSecretKey(undefined, server.dataDir));
    const mirrors = createGitMirrors({
      db: server.app.database.db,
      log: { debug() {}, info() {}, warn() {}, error() {} } as never,
      dataDir: server.dataDir,
      decrypt: (text) => box.decrypt(text),
    });
    const storage = createStorageRegistry({
      db: server.app.database.db,
      dataDir: server.dataDir,
      afterGitCommit: (id) => mirrors.pushSoon(id),
    });
    const device = await createDevice(server, { pluginKey: 'noop', name: 'http-rtr' });

    await seedVersion(
      server,
      { deviceId: device.id, deviceName: device.name, bytes: 'hostname http\n', locationId: location.id },
      storage,
    );
    const local = (
      await gitPlain(['--git-dir', join(server.dataDir, 'locations', 'http-mirror'), 'rev-parse', 'refs/heads/main'])
    ).trim();
    await until(async () => (await remoteHead(join(dir, 'http.git'))) === local, 'pushed over HTTP');

    assert.equal(refused, 0, 'every request carried the token header');
    const config = await readFile(join(server.dataDir, 'locations', 'http-mirror', 'config'), 'utf8');
    assert.equal(config.includes(token), false, 'the token is never written to the repository');
    await mirrors.stop();
    http.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps mirror credentials encrypted and never returns them', async () => {
    const location = await createLocation(server, 'git', 'secret-mirror');

    const set = await mutate(
      server,
      'setStorageMirror',
      { id: location.id, url: 'https://git.example.net/backups.git', token: 'ghp_supersecret_token' },
      'storageLocation { id hasMirrorSecret mirrorUrl }',
    );
    const withUserInfo = await mutate(
      server,
      'setStorageMirror',
      { id: location.id, url: 'https://user:pw@git.example.net/x.git' },
      'storageLocation { id }',
    );

    assert.equal(set.storageLocation.hasMirrorSecret, true);
    assert.equal(withUserInfo.__typename, 'ValidationError');
    const [row] = await server.app.database.db
      .select()
      .from(storageLocations)
      .where(eq(storageLocations.id, location.id));
    assert.equal(row!.mirrorSecretCiphertext?.includes('supersecret'), false);
    assert.equal(
      server.responses.some((body) => body.includes('ghp_supersecret_token')),
      false,
    );
  });
});
