/**
 * What `devicevault collect` and `devicevault record` share: the device options on the command line, and
 * one collection run in this process with the server's worker code (not in the pool).
 */
import { parseArgs } from 'node:util';
import { MessageChannel } from 'node:worker_threads';
import type { BackupPlugin, DeviceTarget } from '@devicevault/plugins/contract';
import { findPlugin, pluginKeys } from '@devicevault/plugins/registry';
import type { CollectOutcome, CollectProgressMessage } from '../jobs/collect-task.js';
import { splitJobTimeout } from '../jobs/job-timeouts.js';
import collect from '../jobs/worker.js';

/** Exit codes: 0 collected, 1 the collection failed, 2 the command line is wrong. */
export type ExitCode = 0 | 1 | 2;

export class UsageError extends Error {}

export interface CollectCommand {
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
export const maxTextBytes = 64 * 1024 * 1024;

export interface ParseOptions {
  /** Extra flags of the command (e.g. `--replay`), passed through in `extra`. */
  extraOptions?: Record<string, { type: 'string' | 'boolean' }>;
  /** False when the device comes from elsewhere (a replay file): `--host` is then not required. */
  needsHost?: boolean;
  /** False when `--out` names something other than the collected file (`record`). */
  outIsArtefact?: boolean;
}

export function parseCommand(
  argv: readonly string[],
  parse: ParseOptions = {},
): CollectCommand & { extra: Record<string, string | boolean | undefined> } {
  let parsed: ReturnType<typeof parseCollectArgs>;
  try {
    parsed = parseCollectArgs(argv, parse.extraOptions ?? {});
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
  if (needsDevice && parse.needsHost !== false && !values.host) throw new UsageError('--host is required');
  if (plugin.isBinary && parse.outIsArtefact !== false && !values.out) {
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
    extra: values as Record<string, string | boolean | undefined>,
  };
}

function parseCollectArgs(argv: readonly string[], extraOptions: Record<string, { type: 'string' | 'boolean' }>) {
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
      ...extraOptions,
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

export async function collectOnce(
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
      target: commandTarget(command),
      timeouts: splitJobTimeout(timeoutMs),
      maxTextBytes,
      scrubSecrets: command.scrubSecrets,
      spoolDir,
      progressPort: port2,
    });
  } finally {
    port1.close();
  }
}

/** The device the command line names, as a plugin sees it. */
export function commandTarget(command: CollectCommand): DeviceTarget {
  return {
    host: command.host,
    port: command.port,
    username: command.username,
    password: command.password,
    enablePassword: command.enablePassword,
    hostKeyFingerprint: command.hostKey,
    options: command.options,
  };
}

export function fail(code: string, message: string): void {
  // One line, whatever the message holds (device output quoted in errors may contain newlines).
  process.stderr.write(`devicevault: ${code}: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
}
