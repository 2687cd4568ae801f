/**
 * `devicevault record <plugin-key> --host H --username U --password W --out FILE.yaml`: collects once from a
 * real device through a recording SSH proxy on loopback and writes what the device sent as a replay fixture
 * (our format: fixtures/device-sessions/README.md), with the passwords and every value the plugin's secret
 * masks would hide replaced, so a user can send a device we have never seen as a test case.
 * `devicevault collect <plugin-key> --replay FILE.yaml` plays it back. The fixture is written even when the
 * collection fails (that is when it is most useful); the exit code says how the collection went.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRecordingProxy } from '@devicevault/plugins/replay/recording-proxy';
import { redactSession } from '@devicevault/plugins/replay/redact-recording';
import { type RecordMeta, recordMetaKey, writeRecording } from '@devicevault/plugins/replay/write-recording';
import { splitJobTimeout } from '../jobs/job-timeouts.js';
import {
  type CollectCommand,
  collectOnce,
  commandTarget,
  type ExitCode,
  fail,
  parseCommand,
  UsageError,
} from './collect-command.js';

const usage = `usage: devicevault record <plugin-key> --host H [--port P] --username U --password W --out FILE.yaml
       [--enable-password E] [--timeout SECONDS] [--option key=value ...] [--host-key SHA256:...]`;

async function runRecord(argv: readonly string[]): Promise<ExitCode> {
  let command: CollectCommand;
  try {
    command = parseCommand(argv, { outIsArtefact: false });
    if (!command.out) throw new UsageError('--out FILE.yaml is required: it says where to write the recording');
    if (command.plugin.transport !== 'ssh-shell' && command.plugin.transport !== 'ssh-exec') {
      throw new UsageError(`${command.plugin.key} does not talk over an SSH shell or exec channel; nothing to record`);
    }
    // The recording proxy speaks SSH only.
    const transport = command.options.transport?.trim().toLowerCase();
    if (transport && transport !== 'ssh') {
      throw new UsageError(`only SSH sessions can be recorded, not transport=${command.options.transport}`);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    fail('invalid_options', error.message);
    if (argv.length === 0) process.stderr.write(`${usage}\n`);
    return 2;
  }

  const timeoutMs = Math.round(command.timeoutSeconds * 1000);
  const device = commandTarget(command);
  const proxy = await startRecordingProxy({
    device,
    ctx: {
      signal: AbortSignal.timeout(timeoutMs + 5_000),
      timeouts: splitJobTimeout(timeoutMs),
    },
    plugin: command.plugin,
  });
  const spoolDir = await mkdtemp(join(tmpdir(), 'devicevault-record-'));
  try {
    const outcome = await collectOnce(
      { ...command, host: '127.0.0.1', port: proxy.port, hostKey: proxy.hostKeyFingerprint },
      spoolDir,
      () => {},
    );
    // The device's own failure (refused login, timeout) explains more than the plugin's view of the proxy.
    const deviceError = proxy.deviceError();
    const failure = outcome.ok ? null : (deviceError ?? { code: outcome.code, message: outcome.message });
    const [session, ...others] = proxy.sessions();
    if (!session) {
      fail(failure?.code ?? 'plugin_error', failure?.message ?? 'the device sent nothing');
      return 1;
    }
    const { session: redacted, secretsRedacted } = redactSession(command.plugin, device, session);
    const meta: RecordMeta = {
      plugin: command.plugin.key,
      username: command.username,
      options: command.options,
      enable_password: Boolean(command.enablePassword),
    };
    const comment = [
      `Recorded by \`devicevault record ${command.plugin.key}\` on ${new Date().toISOString().slice(0, 10)}.`,
      'The login and enable passwords are placeholders; values the secret masks hide were replaced by',
      'stand-ins of the same shape. Replay: devicevault collect <plugin-key> --replay THIS_FILE',
    ].join('\n');
    await writeFile(command.out!, writeRecording(redacted, { comment, meta: { [recordMetaKey]: meta } }), {
      mode: 0o600,
    });
    process.stderr.write(
      `devicevault: recorded ${redacted.exchanges.length} exchange(s) to ${command.out} ` +
        `(${secretsRedacted} secret value(s) replaced${others.length > 0 ? `; ${others.length} further session(s) not written` : ''})\n`,
    );
    if (command.hostKey === null && proxy.deviceHostKeyFingerprint()) {
      process.stderr.write(`devicevault: host key ${proxy.deviceHostKeyFingerprint()} (trusted on first use)\n`);
    }
    if (failure) {
      fail(failure.code, failure.message);
      return 1;
    }
    return 0;
  } catch (error) {
    fail('plugin_error', error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    await proxy.close();
    await rm(spoolDir, { recursive: true, force: true });
  }
}

process.exit(await runRecord(process.argv.slice(2)));
