/**
 * `devicevault collect <plugin-key> --host H …`: one collection, no database. It runs the same worker code
 * as the server (in this process, not in the pool), with a spool dir of its own under the OS temp dir that is
 * removed afterwards. Text goes to stdout (or --out), binaries to --out; a failure prints one line,
 * `devicevault: <code>: <message>`, and exits non-zero.
 */
import { copyFile, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MessageChannel } from 'node:worker_threads';
import type { BackupPlugin } from '@devicevault/plugins/contract';
import { findPlugin, pluginKeys } from '@devicevault/plugins/registry';
import type { CollectOutcome, CollectProgressMessage } from '../jobs/collect-task.js';
import collect from '../jobs/worker.js';

const usage = `usage: devicevault collect <plugin-key> --host H [--port P] --username U --password W
       [--enable-password E] [--scrub-secrets] [--out FILE] [--timeout SECONDS] [--option key=value ...]
       [--host-key SHA256:...]`;

/** Exit codes: 0 collected, 1 the collection failed, 2 the command line is wrong. */
type ExitCode = 0 | 1 | 2;

class UsageError extends Error {}

interface CollectCommand {
  plugin: BackupPlugin;
  host: string;
  port: number;
  username: string;
  password: string;
  enablePassword: string | undefined;
  scrubSecrets: boolean;
  out: string | undefined;
  timeoutSeconds: number;
  options: Record<string, string>;
  hostKey: string | null;
}

/** Same text cap as the server's default (`DEVICEVAULT_MAX_TEXT_BYTES`). */
const maxTextBytes = 64 * 1024 * 1024;

async function runCollect(argv: readonly string[]): Promise<ExitCode> {
  let command: CollectCommand;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    fail('invalid_options', error.message);
    if (argv.length === 0) process.stderr.write(`${usage}\n`);
    return 2;
  }

  const spoolDir = await mkdtemp(join(tmpdir(), 'devicevault-collect-'));
  const progress = progressReporter(command.plugin);
  try {
    const outcome = await collectOnce(command, spoolDir, progress.update);
    progress.done();
    if (!outcome.ok) {
      fail(outcome.code, outcome.message);
      return 1;
    }
    if (outcome.hostKeyFingerprint && command.hostKey === null) {
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
    await rm(spoolDir, { recursive: true, force: true });
  }
}

function parseCommand(argv: readonly string[]): CollectCommand {
  let parsed: ReturnType<typeof parseCollectArgs>;
  try {
    parsed = parseCollectArgs(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [key, ...extra] = positionals;
  if (!key) throw new UsageError(`a plugin key is required (one of ${pluginKeys().join(', ')})`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const plugin = findPlugin(key);
  if (!plugin) throw new UsageError(`unknown plugin key "${key}" (one of ${pluginKeys().join(', ')})`);
  const needsDevice = plugin.transport !== 'none';
  if (needsDevice && !values.host) throw new UsageError('--host is required');
  if (plugin.isBinary && !values.out) {
    throw new UsageError(`${plugin.key} produces a binary file: pass --out FILE to say where to write it`);
  }
  const port = values.port === undefined ? defaultPort(plugin) : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new UsageError(`--port must be 1-65535`);
  const timeoutSeconds = values.timeout === undefined ? 120 : Number(values.timeout);
  if (!(timeoutSeconds > 0)) throw new UsageError('--timeout must be a positive number of seconds');
  if (values['host-key'] !== undefined && !/^SHA256:[A-Za-z0-9+/]{43}=?$/.test(values['host-key'])) {
    throw new UsageError('--host-key must look like SHA256:<base64>, as printed after the first collection');
  }
  return {
    plugin,
    host: values.host ?? '',
    port,
    username: values.username ?? '',
    password: values.password ?? '',
    enablePassword: values['enable-password'],
    scrubSecrets: values['scrub-secrets'] ?? false,
    out: values.out,
    timeoutSeconds,
    options: parseOptions(values.option ?? []),
    hostKey: values['host-key'] ?? null,
  };
}

function parseCollectArgs(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      'enable-password': { type: 'string' },
      'scrub-secrets': { type: 'boolean' },
      out: { type: 'string' },
      timeout: { type: 'string' },
      option: { type: 'string', multiple: true },
      'host-key': { type: 'string' },
    },
  });
}

function parseOptions(pairs: readonly string[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--option "${pair}" must be key=value`);
    options[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return options;
}

function defaultPort(plugin: BackupPlugin): number {
  return plugin.transport === 'tftp' ? 69 : 22;
}

async function collectOnce(
  command: CollectCommand,
  spoolDir: string,
  onProgress: (message: CollectProgressMessage) => void,
): Promise<CollectOutcome> {
  const { port1, port2 } = new MessageChannel();
  port1.on('message', onProgress);
  const timeoutMs = Math.round(command.timeoutSeconds * 1000);
  try {
    return await collect({
      jobId: 'cli',
      pluginKey: command.plugin.key,
      target: {
        host: command.host,
        port: command.port,
        username: command.username,
        password: command.password,
        enablePassword: command.enablePassword,
        hostKeyFingerprint: command.hostKey,
        options: command.options,
      },
      // The runner's split of one job timeout into connect / idle / overall.
      timeouts: { connectMs: Math.min(timeoutMs, 15_000), idleMs: Math.min(timeoutMs, 30_000), overallMs: timeoutMs },
      maxTextBytes,
      scrubSecrets: command.scrubSecrets,
      spoolDir,
      progressPort: port2,
    });
  } finally {
    port1.close();
  }
}

async function deliver(outcome: Extract<CollectOutcome, { ok: true }>, out: string | undefined): Promise<void> {
  if (out === undefined) {
    // Text only (binaries require --out); at most maxTextBytes, so reading it whole is fine.
    const text = await readFile(outcome.spoolPath);
    await new Promise<void>((resolve, reject) =>
      process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
    );
    return;
  }
  try {
    await rename(outcome.spoolPath, out);
  } catch (error) {
    // The temp dir may be on another filesystem than the destination.
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(outcome.spoolPath, out);
  }
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

function fail(code: string, message: string): void {
  // One line, whatever the message holds (device output quoted in errors may contain newlines).
  process.stderr.write(`devicevault: ${code}: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
}

process.exit(await runCollect(process.argv.slice(2)));
