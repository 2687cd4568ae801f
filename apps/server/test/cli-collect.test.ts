/**
 * `devicevault collect` the way people run it: the bin as a child process against recorded devices served
 * over real SSH, reading its stdout, stderr and exit code.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findSimulations, loadRecording, type Recording } from '@devicevault/plugins/replay/load-recording';
import { pluginKeyByOxidizedModel } from '@devicevault/plugins/replay/oxidized-models';
import { type ReplayServer, startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { binaryDummyChunks } from '@devicevault/plugins/vendors/binary-dummy';
import { mountTinyFs } from './support/storage-fixtures.js';

const bin = fileURLToPath(new URL('../bin/devicevault.mjs', import.meta.url));
const fixtures = fileURLToPath(new URL('../../../packages/plugins/fixtures/device-sessions/', import.meta.url));
const credentials = { username: 'oxidized', password: 'rocks' };

interface CliResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  /** Peak resident memory (VmHWM) of the bin and the process it starts, summed, read every 10 ms while it ran. */
  peakRss: number;
}

/** The bin may run the CLI in a child process of its own (tsx), so the whole tree is measured. */
function peakRssOfTree(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const own = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean);
    return own + children.reduce((sum, child) => sum + peakRssOfTree(Number(child)), 0);
  } catch {
    return 0; // already gone
  }
}

/** Runs the bin asynchronously (the replay server lives in this process, so the event loop must keep going). */
function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'collect', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let peakRss = 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, peakRssOfTree(child.pid ?? 0));
    }, 10);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      resolve({ code, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8'), peakRss });
    });
  });
}

function deviceArgs(server: ReplayServer, password = credentials.password): string[] {
  return [
    '--host',
    '127.0.0.1',
    '--port',
    String(server.port),
    '--username',
    credentials.username,
    '--password',
    password,
  ];
}

/** The first recording that needs no plugin options, with an expected output, for each OS folder that has one. */
async function oneRecordingPerOs(): Promise<Recording[]> {
  const byOs = new Map<string, Recording>();
  for (const path of await findSimulations(fixtures)) {
    const recording = await loadRecording(path);
    const needsOptions =
      recording.custom || recording.runs.some((run) => Object.keys(run.options).length > 0 || run.password !== null);
    if (needsOptions || recording.expectedOutput === null || byOs.has(recording.os)) continue;
    byOs.set(recording.os, recording);
  }
  return [...byOs.values()];
}

const recordings = await oneRecordingPerOs();

describe('devicevault collect against recorded devices', () => {
  it('has a plugin for every OS that has a recorded session', () => {
    const withoutPlugin = recordings.map((recording) => recording.os).filter((os) => !pluginKeyByOxidizedModel[os]);

    assert.deepEqual(withoutPlugin, []);
    assert.ok(recordings.length >= 30, `only ${recordings.length} OSes have a plain recording`);
  });

  for (const recording of recordings) {
    const pluginKey = pluginKeyByOxidizedModel[recording.os] ?? `no plugin for ${recording.os}`;

    it(`prints exactly the stored config of ${recording.name} on stdout and trusts the host key on first use`, async () => {
      const server = await startReplayServer(recording, credentials);
      try {
        const result = await runCli([pluginKey, ...deviceArgs(server)]);

        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stdout.toString('utf8'), recording.expectedOutput);
        assert.equal(
          result.stderr,
          `devicevault: host key ${server.hostKeyFingerprint} (trusted on first use; pin it with --host-key)\n`,
        );
      } finally {
        await server.close();
      }
    });
  }
});

describe('devicevault collect options and failures', () => {
  let ios: Recording;
  let server: ReplayServer;
  let outDir: string;

  before(async () => {
    ios = await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml'));
    server = await startReplayServer(ios, credentials);
    outDir = await mkdtemp(join(tmpdir(), 'dv-cli-test-'));
  });

  after(async () => {
    await server.close();
    await rm(outDir, { recursive: true, force: true });
  });

  it('writes the 1 MiB binary demo image to --out, byte for byte', async () => {
    const out = join(outDir, 'image.bin');
    const expected = createHash('sha256');
    for (const chunk of binaryDummyChunks()) expected.update(chunk);

    const result = await runCli(['binary_dummy', '--out', out]);

    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.length, 0);
    const bytes = await readFile(out);
    assert.equal(bytes.length, 1024 * 1024);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), expected.digest('hex'));
  });

  it('refuses a binary plugin without --out, in one line on stderr', async () => {
    const result = await runCli(['binary_dummy']);

    assert.equal(result.code, 2);
    assert.equal(result.stdout.length, 0);
    assert.match(
      result.stderr,
      /^devicevault: invalid_options: binary_dummy produces a binary file: pass --out FILE[^\n]*\n$/,
    );
  });

  it('fails with auth_failed on a wrong password', async () => {
    const result = await runCli(['cisco_ios', ...deviceArgs(server, 'not-the-password')]);

    assert.notEqual(result.code, 0);
    assert.equal(result.stdout.length, 0);
    assert.match(result.stderr, /^devicevault: auth_failed: [^\n]+\n$/);
  });

  it('fails with host_key_changed when the pinned key is not the device key', async () => {
    const otherKey = `SHA256:${Buffer.alloc(32, 7).toString('base64').replace(/=+$/, '')}`;

    const result = await runCli(['cisco_ios', ...deviceArgs(server), '--host-key', otherKey]);

    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /^devicevault: host_key_changed: [^\n]+\n$/);
  });

  it('writes the scrubbed config to --out and says nothing about a pinned host key', async () => {
    const out = join(outDir, 'config.txt');

    const result = await runCli([
      'cisco_ios',
      ...deviceArgs(server),
      '--scrub-secrets',
      '--out',
      out,
      '--host-key',
      server.hostKeyFingerprint,
    ]);

    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.length, 0);
    assert.equal(result.stderr, '');
    const text = await readFile(out, 'utf8');
    for (const secret of ios.secret?.fail ?? []) assert.doesNotMatch(text, new RegExp(secret, 'm'));
    assert.match(text, /<secret hidden>/);
  });

  it('fails a device flooding output with output_too_large, peaking at most 150 MB above a normal run', async () => {
    const flood = await startReplayServer(ios, { ...credentials, fault: 'flood' });
    try {
      const normal = await runCli(['cisco_ios', ...deviceArgs(server)]);

      const flooded = await runCli(['cisco_ios', ...deviceArgs(flood)]);

      assert.equal(flooded.code, 1);
      assert.match(flooded.stderr, /^devicevault: output_too_large: [^\n]+\n$/);
      const growth = flooded.peakRss - normal.peakRss;
      assert.ok(growth <= 150 * 1000 * 1000, `peak RSS ${Math.round(growth / 1e6)} MB above a normal collection`);
    } finally {
      await flood.close();
    }
  });

  it('replaces an existing --out file whole, keeping its mode, and makes a new one private', async () => {
    const dir = await mkdtemp(join(outDir, 'modes-'));
    const kept = join(dir, 'kept.cfg');
    await writeFile(kept, 'the previous config\n');
    // Group-writable: not what a new file gets under the usual umask, so only a kept mode gives it.
    await chmod(kept, 0o664);
    const image = join(dir, 'image.bin');
    await writeFile(image, 'the previous image\n');
    await chmod(image, 0o640);
    const fresh = join(dir, 'fresh.cfg');

    const replaced = await runCli(['cisco_ios', ...deviceArgs(server), '--out', kept]);
    const created = await runCli(['cisco_ios', ...deviceArgs(server), '--out', fresh]);
    // A binary's spool file is on the same filesystem here: it is renamed over the destination, mode and all.
    const moved = await runCli(['binary_dummy', '--out', image]);

    assert.deepEqual(
      [replaced.code, created.code, moved.code],
      [0, 0, 0],
      replaced.stderr + created.stderr + moved.stderr,
    );
    assert.match(await readFile(kept, 'utf8'), /^hostname LAB-SW123_9200L$/m);
    assert.equal((await stat(kept)).mode & 0o777, 0o664);
    assert.equal((await stat(fresh)).mode & 0o777, 0o600);
    assert.equal((await stat(image)).size, 1024 * 1024);
    assert.equal((await stat(image)).mode & 0o777, 0o640);
    assert.deepEqual((await readdir(dir)).sort(), ['fresh.cfg', 'image.bin', 'kept.cfg']);
  });

  it('appends to the file standard output is redirected to when --out is /dev/stdout, as a shell would', async () => {
    const dir = await mkdtemp(join(outDir, 'stdout-'));
    const log = join(dir, 'collect.log');
    await writeFile(log, 'earlier output\n');
    const inode = (await stat(log)).ino;
    const redirected = await open(log, 'a');
    try {
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [bin, 'collect', 'cisco_ios', ...deviceArgs(server), '--out', '/dev/stdout'],
          { stdio: ['ignore', redirected.fd, 'ignore'] },
        );
        child.on('error', reject);
        child.on('close', resolve);
      });
      assert.equal(code, 0);
    } finally {
      await redirected.close();
    }

    const written = await readFile(log, 'utf8');
    assert.ok(written.startsWith('earlier output\n'), written.slice(0, 200));
    assert.match(written, /^hostname LAB-SW123_9200L$/m);
    assert.equal((await stat(log)).ino, inode, 'the same file, not one renamed over it');
  });

  it('replaces a file under /dev/shm like any other file (only descriptor aliases are written through)', async (t) => {
    const shm = await mkdtemp('/dev/shm/dv-cli-').catch(() => null);
    if (!shm) return t.skip('no /dev/shm here');
    try {
      const out = join(shm, 'switch.cfg');
      await writeFile(out, 'the previous config\n');

      const result = await runCli(['cisco_ios', ...deviceArgs(server), '--out', out]);

      assert.equal(result.code, 0, result.stderr);
      const written = await readFile(out, 'utf8');
      assert.doesNotMatch(written, /the previous config/);
      assert.match(written, /^hostname LAB-SW123_9200L$/m);
    } finally {
      await rm(shm, { recursive: true, force: true });
    }
  });

  it('writes through a symlinked --out to the file it names, leaving the link in place', async () => {
    const dir = await mkdtemp(join(outDir, 'link-'));
    await mkdir(join(dir, 'archive'));
    const target = join(dir, 'archive', 'switch.cfg');
    await writeFile(target, 'old\n');
    const link = join(dir, 'latest.cfg');
    await symlink(target, link);

    const result = await runCli(['cisco_ios', ...deviceArgs(server), '--out', link]);

    assert.equal(result.code, 0, result.stderr);
    assert.ok((await lstat(link)).isSymbolicLink());
    assert.equal(await readlink(link), target);
    assert.match(await readFile(target, 'utf8'), /^hostname LAB-SW123_9200L$/m);
  });

  for (const kind of ['text', 'binary'] as const) {
    it(`leaves the previous --out file whole and no partial file when the disk fills up (${kind})`, async (t) => {
      const dir = await mkdtemp(join(outDir, `full-${kind}-`));
      // One page: the previous file takes it, so the new one cannot get a byte (a binary crosses filesystems too).
      const tiny = mountTinyFs(dir, '4k');
      if (!tiny) return t.skip('mounting a tmpfs needs root');
      try {
        const out = join(dir, kind === 'text' ? 'switch.cfg' : 'image.bin');
        await writeFile(out, 'the previous version\n');
        const args = kind === 'text' ? ['cisco_ios', ...deviceArgs(server)] : ['binary_dummy'];

        const result = await runCli([...args, '--out', out]);

        assert.equal(result.code, 1);
        assert.match(result.stderr, /ENOSPC/);
        assert.equal(await readFile(out, 'utf8'), 'the previous version\n');
        assert.deepEqual(await readdir(dir), [kind === 'text' ? 'switch.cfg' : 'image.bin']);
      } finally {
        await tiny.unmount();
      }
    });
  }

  it('leaves no spool directory behind in the temp dir', async () => {
    // A temp dir of its own: other test files run the CLI at the same time in the shared one.
    const ownTmp = await mkdtemp(join(tmpdir(), 'dv-cli-tmp-'));
    const env = { ...process.env, TMPDIR: ownTmp };

    await runCli(['cisco_ios', ...deviceArgs(server, 'wrong')], env);
    await runCli(['binary_dummy', '--out', join(outDir, 'again.bin')], env);

    const left = (await readdir(ownTmp)).filter((name) => name.startsWith('devicevault-collect-'));
    await rm(ownTmp, { recursive: true, force: true });
    assert.deepEqual(left, []);
  });
});
