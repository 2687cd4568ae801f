/**
 * `devicevault collect <plugin-key> --host H …`: one collection, no database. It runs the same worker code
 * as the server (in this process, not in the pool), with a spool dir of its own under the OS temp dir that is
 * removed afterwards. Text goes to stdout (or --out), binaries to --out; a failure prints one line,
 * `devicevault: <code>: <message>`, and exits non-zero.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackupPlugin } from '@devicevault/plugins/contract';
import type { CollectOutcome, CollectProgressMessage } from '../jobs/collect-task.js';
import { textsOf } from '../jobs/collected-texts.js';
import { type CollectCommand, collectOnce, type ExitCode, fail, parseCommand, UsageError } from './collect-command.js';
import { startReplayOf } from './replay-target.js';
import { writeOut } from './write-out.js';

const usage = `usage: devicevault collect <plugin-key> --host H [--port P] --username U --password W
       [--enable-password E] [--scrub-secrets] [--out FILE] [--timeout SECONDS] [--option key=value ...]
       [--host-key SHA256:...]
       devicevault collect <plugin-key> --replay FILE.yaml [--scrub-secrets] [--out FILE] [--option key=value ...]`;

async function runCollect(argv: readonly string[]): Promise<ExitCode> {
  let command: CollectCommand;
  let replayFile: string | undefined;
  try {
    const parsed = parseCommand(argv, {
      extraOptions: { replay: { type: 'string' } },
      needsHost: !argv.includes('--replay'),
    });
    replayFile = parsed.extra.replay as string | undefined;
    command = parsed;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    fail('invalid_options', error.message);
    if (argv.length === 0) process.stderr.write(`${usage}\n`);
    return 2;
  }

  // `--replay`: the device is a replay server on loopback playing the fixture (e.g. one `devicevault record` wrote).
  const replay =
    replayFile === undefined ? null : await startReplayOf(replayFile, command).catch((error: Error) => error);
  if (replay instanceof Error) {
    fail('invalid_options', `--replay ${replayFile}: ${replay.message}`);
    return 2;
  }
  const spoolDir = await mkdtemp(join(tmpdir(), 'devicevault-collect-'));
  const progress = progressReporter(command.plugin);
  try {
    const outcome = await collectOnce(replay?.command ?? command, spoolDir, progress.update);
    progress.done();
    if (!outcome.ok) {
      fail(outcome.code, outcome.message);
      return 1;
    }
    if (outcome.hostKeyFingerprint && command.hostKey === null && !replay) {
      // Trust on first use, as the server does: say what was trusted so the user can pin it next time.
      process.stderr.write(
        `devicevault: host key ${outcome.hostKeyFingerprint} (trusted on first use; pin it with --host-key)\n`,
      );
    }
    await deliver(outcome, command.out);
    return 0;
  } catch (error) {
    progress.done();
    fail('plugin_error', error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    await replay?.close();
    await rm(spoolDir, { recursive: true, force: true });
  }
}

async function deliver(outcome: Extract<CollectOutcome, { ok: true }>, out: string | undefined): Promise<void> {
  if (out !== undefined)
    return writeOut(out, outcome.text !== undefined ? { text: outcome.text } : { spoolPath: outcome.spoolPath });
  if (outcome.isBinary) throw new Error('a binary needs --out');
  const { text } = await textsOf(outcome);
  await new Promise<void>((resolve, reject) =>
    process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  );
}

/** A progress bar on stderr for binary downloads, only when a person is watching (stderr is a terminal). */
function progressReporter(plugin: BackupPlugin) {
  const enabled = plugin.isBinary && process.stderr.isTTY === true;
  let drawn = false;
  return {
    update(message: CollectProgressMessage) {
      if (!enabled || message.bytes === undefined) return;
      drawn = true;
      process.stderr.write(`\r${progressLine(message.bytes, message.totalBytes)}`);
    },
    done() {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}

function progressLine(bytes: number, total: number | undefined): string {
  const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (!total) return `${mib(bytes)} received`;
  const fraction = Math.min(1, bytes / total);
  const width = 30;
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${Math.floor(fraction * 100)
    .toString()
    .padStart(3)}% ${mib(bytes)} / ${mib(total)}`;
}

process.exit(await runCollect(process.argv.slice(2)));
