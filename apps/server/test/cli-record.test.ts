/**
 * `devicevault record` and `devicevault collect --replay`, run as people run them (the bin as a child
 * process): a recording made through the recording proxy from a replay server of one of our fixtures must
 * collect, offline, into the same bytes as the device it was recorded from, with the passwords and the
 * secrets the plugin's masks hide taken out of the written file.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRecording } from '@devicevault/plugins/replay/load-recording';
import { startReplayServer } from '@devicevault/plugins/replay/replay-server';

const bin = fileURLToPath(new URL('../bin/devicevault.mjs', import.meta.url));
const fixtures = fileURLToPath(new URL('../../../packages/plugins/fixtures/device-sessions/', import.meta.url));
const login = { username: 'netops', password: 'Login-Pa55word-9' };

interface CliResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function runCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString() }),
    );
  });
}

/** Records `fixture` with `plugin` through the proxy; returns the fixture file written and a direct collector. */
async function recordFrom(dir: string, plugin: string, fixture: string, extra: string[] = []) {
  const device = await startReplayServer(await loadRecording(join(fixtures, fixture)), login);
  const device_ = ['--host', '127.0.0.1', '--port', String(device.port), '--username', login.username];
  const out = join(dir, `${plugin}.yaml`);
  const recorded = await runCli(['record', plugin, ...device_, '--password', login.password, '--out', out, ...extra]);
  return {
    out,
    recorded,
    collectDirect: (flags: string[]) => runCli(['collect', plugin, ...device_, '--password', login.password, ...flags]),
    close: () => device.close(),
  };
}

describe('devicevault record', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dv-record-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('records a shell session that collect --replay turns into the same scrubbed bytes, with no secret in the file', async () => {
    const session = await recordFrom(dir, 'cisco_ios', 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml');
    try {
      const direct = await session.collectDirect(['--scrub-secrets']);
      const replayed = await runCli(['collect', 'cisco_ios', '--replay', session.out, '--scrub-secrets']);
      const written = await readFile(session.out, 'utf8');

      assert.equal(session.recorded.code, 0, session.recorded.stderr);
      assert.match(session.recorded.stderr, /recorded \d+ exchange\(s\) .* \([1-9]\d* secret value\(s\) replaced/);
      assert.equal(direct.code, 0, direct.stderr);
      assert.equal(replayed.code, 0, replayed.stderr);
      assert.ok(replayed.stdout.length > 1000);
      assert.equal(replayed.stdout.toString('utf8'), direct.stdout.toString('utf8'));
      assert.ok(!written.includes(login.password), 'the login password is not in the recording');
      // The values this recording's secret checks say must never be stored.
      for (const secret of ['SECRET', 'AAAAAAAAAABBBBBBBBBB']) assert.ok(!written.includes(secret), secret);
      assert.match(written, /^# Recorded by `devicevault record cisco_ios`/);
    } finally {
      await session.close();
    }
  });

  it('records exec channels that collect --replay turns into the same bytes, unscrubbed', async () => {
    const session = await recordFrom(dir, 'mikrotik_routeros', 'routeros/CHR_7.16.simulation.yaml');
    try {
      const direct = await session.collectDirect([]);
      const replayed = await runCli(['collect', 'mikrotik_routeros', '--replay', session.out]);

      assert.equal(session.recorded.code, 0, session.recorded.stderr);
      assert.match(session.recorded.stderr, /\(0 secret value\(s\) replaced/);
      assert.equal(replayed.code, 0, replayed.stderr);
      assert.ok(replayed.stdout.length > 1000);
      assert.equal(replayed.stdout.toString('utf8'), direct.stdout.toString('utf8'));
    } finally {
      await session.close();
    }
  });

  it('reports a login the device refuses as auth_failed, as collect does', async () => {
    const out = join(dir, 'refused.yaml');
    const device = await startReplayServer(
      await loadRecording(join(fixtures, 'ios/asr920_16.8.1b.simulation.yaml')),
      login,
    );
    try {
      const result = await runCli([
        'record',
        'cisco_ios',
        ...['--host', '127.0.0.1', '--port', String(device.port), '--username', login.username],
        ...['--password', 'wrong-password', '--out', out],
      ]);

      assert.equal(result.code, 1);
      assert.match(result.stderr, /devicevault: auth_failed: /);
    } finally {
      await device.close();
    }
  });
});
