/**
 * Turns a declarative vendor definition (prompt, commands, filters, masks) into a BackupPlugin that logs in
 * over SSH, runs the commands and assembles the config the way Oxidized does: for each command the raw
 * output goes through the global cleanup, then the secret masks (when scrubbing), then the command's own
 * cleanup, and the results are concatenated with no separator.
 */
import type { Algorithms } from 'ssh2';
import type { BackupPlugin, CollectContext, DeviceTarget, PluginOption, TextArtefact } from '../contract.js';
import { CollectError, isCollectError } from '../errors.js';
import { scpReadFile } from '../transports/scp-download.js';
import { connectSsh } from '../transports/ssh-connection.js';
import { execBudget, execCommand } from '../transports/ssh-exec.js';
import { openShell, type ShellExpect, type ShellSession } from '../transports/ssh-shell.js';
import type { TelnetLoginPrompts } from '../transports/telnet-login.js';
import type { Terminal } from '../transports/terminal.js';
import { withOverallDeadline } from './abort.js';
import { commentLines } from './cleanup.js';
import { type PostCall, unmaskedText } from './original-text.js';
import { connectTelnetFor, openTelnetShell, telnetPortOption, transportOption, wantsTelnet } from './telnet-session.js';

export interface CleanTools {
  /** Prefixes every line with the OS's comment marker. */
  comment(text: string): string;
  /** The command that produced the output. */
  command: string;
  /** The device being collected, for cleanups that depend on its options (Oxidized node vars). */
  target?: DeviceTarget;
}

export interface ShellCommand {
  command: string;
  /** The command's own cleanup, run last. */
  clean?: (output: string, tools: CleanTools) => string;
  /** Skips the command for targets where it makes no sense. */
  when?: (target: DeviceTarget) => boolean;
  /** The command to run instead when secrets are scrubbed, for devices that can hide secrets themselves. */
  scrubbedCommand?: string;
  /** Output that changes without any config change (logs, history): left out of the significant-changes view. */
  volatile?: boolean;
  /** Another command to run instead when the raw output matches `ifOutputMatches` (older OS releases). */
  fallback?: { ifOutputMatches: RegExp; command: string };
  /**
   * Decided just before the command would run, from the answers so far (Oxidized `cmd …, if: -> { … }`,
   * e.g. `config global` only when `get system status` said VDOMs are on); a skipped command adds nothing.
   */
  runIf?: (earlier: EarlierOutputs) => boolean;
}

/** What a `runIf` condition may look at: the device and the raw answers of the commands run before it. */
export interface EarlierOutputs {
  target: DeviceTarget;
  /** The raw output of a command listed in `commands` (undefined when it was skipped or has not run yet). */
  rawOutputOf(command: string): string | undefined;
}

/** A file a plugin reads over SCP, e.g. APC's `config.ini`. */
export interface ShellFile {
  path: string;
  clean?: ShellCommand['clean'];
}

/** What a `post` step may do: run more commands on the same session and read earlier outputs. */
export interface PostSession {
  /**
   * Runs a command; its output has been through `cleanAll` and the secret masks, like any other command's.
   * `label` is what the job log shows instead of the command, for commands that carry a password.
   */
  run(command: string, options?: { label?: string }): Promise<string>;
  /** The raw output of a command listed in `commands` (undefined when it was skipped). */
  rawOutputOf(command: string): string | undefined;
  /** Prefixes every line with the OS's comment marker. */
  comment(text: string): string;
  /** The device being collected (its options select variants, its password feeds commands that need it). */
  target: DeviceTarget;
  /** Whether secrets are scrubbed, for devices that hide them themselves when asked (RouterOS `hide-sensitive`). */
  scrubSecrets: boolean;
}

/** What a `login` step may do right after the first prompt (Oxidized `post_login` blocks). */
export interface LoginSession {
  /** Types a line and waits for `prompt` (default: the OS prompt); returns the raw answer. */
  run(command: string, prompt?: RegExp): Promise<string>;
  /** Types a line without waiting (a command whose answer the next `run` reads). */
  send(command: string): void;
  target: DeviceTarget;
  /**
   * What the device printed up to the first prompt (banner and prompt line), for devices that ask for a user
   * name and password inside the SSH shell (Oxidized's `username`/`password` under `cfg :ssh`).
   */
  banner: string;
}

export interface ShellPluginDefinition {
  key: string;
  friendlyName: string;
  description: string;
  /** The Oxidized model whose output this plugin reproduces (recordings live in a folder of that name). */
  oxidizedModel: string;
  /** `ssh-exec` runs each command on its own exec channel: no prompt, echo or post-login commands. */
  transport?: 'ssh-shell' | 'ssh-exec';
  prompt: RegExp;
  commentPrefix: string;
  /** Rules run on the whole buffer after every chunk: pagers, escape codes. */
  expects?: readonly ShellExpect[];
  /** Run after login with their output thrown away (disable paging, widen the terminal). */
  postLogin?: readonly string[];
  /** How to reach privileged mode when the target has an enable password. */
  enable?: { command: string; passwordPrompt: RegExp };
  commands: readonly ShellCommand[];
  /**
   * Runs after `commands` on the same session and appends what it returns (Oxidized `post`): for configs
   * whose commands depend on earlier answers (ASA contexts, files the config refers to).
   */
  post?: (session: PostSession) => Promise<string>;
  /**
   * Files read over SCP on a second connection after the session (Oxidized `cmd '<file>', input: :scp`),
   * appended after everything else; each goes through `cleanAll`, the secret masks and its own `clean`.
   */
  files?: readonly ShellFile[];
  /** Puts what `post` returns before the commands' outputs (Oxidized `pre`, which also runs after them). */
  postGoesFirst?: boolean;
  /**
   * Matches every complete output (IOS `end`, Junos's closing brace); output it doesn't match was cut short
   * and fails the job as `suspect_output` instead of being stored.
   */
  completeWhen?: RegExp;
  /** Fewer bytes than this fail as `suspect_output`; 1 (an empty output fails) when absent. */
  minBytes?: number;
  /** Runs on every command's output first (Oxidized `cmd :all`). */
  cleanAll?: (output: string, tools: CleanTools) => string;
  /** Masks secrets when scrubbing is on (Oxidized `cmd :secret`). */
  maskSecrets?: (output: string, tools: CleanTools) => string;
  /** The config with volatile lines dropped, for deciding whether a change matters. */
  significantChanges?: (config: string) => string;
  /**
   * Custom steps after the first prompt, instead of `enable` (privilege changes that send without waiting,
   * or use the login password); `postLogin` commands still run after it.
   */
  login?: (session: LoginSession) => Promise<void>;
  /** What ends a typed line (default `\n`; some CLIs need `\r\n`). */
  newline?: string;
  /**
   * The terminal asked for (Oxidized `pty_options`, e.g. `chars_wide: 1000` → `{ columns: 1000 }`) over SSH and
   * TELNET; Oxidized's vt100 of 80×24 where not set. Devices that wrap at the width store Oxidized's bytes only
   * with Oxidized's width.
   */
  terminal?: Partial<Terminal>;
  /** Per-device options (Oxidized node vars), read from `target.options`. */
  options?: readonly PluginOption[];
  /** Typed without waiting before disconnecting. */
  logout?: readonly string[] | ((target: DeviceTarget) => readonly string[]);
  /** Algorithm lists for old devices (legacy kex, ciphers, host key types). */
  algorithms?: Algorithms;
  /**
   * TELNET login prompts (Oxidized `username` / `password` under `cfg :telnet`), tested on the last line;
   * when absent, the model's from telnet-session.ts, else generic ones. Used with the option `transport=telnet`.
   */
  telnetLogin?: Partial<TelnetLoginPrompts>;
}

export type ShellPlugin = BackupPlugin & { definition: ShellPluginDefinition };

/** Shell plugins carry their definition, so tests can check the prompt regex against recorded prompts. */
export function isShellPlugin(plugin: BackupPlugin): plugin is ShellPlugin {
  return 'definition' in plugin;
}

export function defineShellPlugin(definition: ShellPluginDefinition): ShellPlugin {
  return {
    key: definition.key,
    friendlyName: definition.friendlyName,
    description: definition.description,
    isBinary: false,
    transport: definition.transport ?? 'ssh-shell',
    transports: [definition.transport ?? 'ssh-shell', 'telnet'],
    oxidizedModel: definition.oxidizedModel,
    completeWhen: definition.completeWhen,
    minBytes: definition.minBytes ?? 1,
    // Every shell plugin can be reached over TELNET instead, per device.
    options: [...(definition.options ?? []), transportOption, telnetPortOption],
    definition,
    collect: (outer) => withOverallDeadline(outer, (ctx) => collectText(definition, ctx)),
  } satisfies ShellPlugin;
}

/** Applies the cleanup chain to one command's raw output (exported for tests of single commands). */
export function processCommandOutput(
  definition: ShellPluginDefinition,
  spec: ShellCommand,
  raw: string,
  scrubSecrets: boolean,
  target?: DeviceTarget,
): string {
  const tools: CleanTools = {
    command: spec.command,
    comment: (text) => commentLines(text, definition.commentPrefix),
    target,
  };
  let output = definition.cleanAll ? definition.cleanAll(raw, tools) : raw;
  if (scrubSecrets && definition.maskSecrets) output = definition.maskSecrets(output, tools);
  return spec.clean ? spec.clean(output, tools) : output;
}

async function collectText(definition: ShellPluginDefinition, ctx: CollectContext): Promise<TextArtefact> {
  // `transport=telnet` logs in over TELNET instead; commands, prompts and cleanup stay the same.
  const telnet = wantsTelnet(ctx.target) ? await connectTelnetFor(ctx, definition.terminal) : undefined;
  // Over TELNET an exec plugin screen-scrapes its shell, as Oxidized's models do (`telnet || ssh_no_exec`).
  if (telnet && definition.transport === 'ssh-exec') {
    ctx.target = { ...ctx.target, options: { ...ctx.target.options, [sshNoExecOption.key]: 'true' } };
  }
  const connection = telnet ?? (await connectSsh(ctx.target, ctx, { algorithms: definition.algorithms }));
  let artefact: TextArtefact;
  try {
    const commands = definition.commands.filter((spec) => spec.when?.(ctx.target) ?? true);
    const openSession = () =>
      'client' in connection
        ? openShell(connection.client, ctx, shellOptionsOf(definition))
        : openTelnetShell(definition, connection, ctx);
    const { raws, post, postCalls } =
      'client' in connection && usesExec(definition, ctx.target)
        ? await runExec(definition, connection.client, commands, ctx)
        : await runShell(definition, openSession, commands, ctx);
    // A command skipped by its `runIf` has no raw output and adds nothing, not even its cleanup's header.
    const outputs = commands.map((spec, i) => {
      const raw = raws[i];
      return raw === undefined ? '' : processCommandOutput(definition, spec, raw, ctx.scrubSecrets, ctx.target);
    });
    const postOutputs = post === undefined ? [] : [post];
    const ordered = definition.postGoesFirst ? [...postOutputs, ...outputs] : [...outputs, ...postOutputs];
    // With scrubbing, the same answers once more without the masks: the restorable original (no device I/O).
    const originalText = ctx.scrubSecrets
      ? await unmaskedText(definition, commands, { raws, postCalls }, ctx, ordered.join(''))
      : undefined;
    artefact = {
      kind: 'text',
      text: ordered.join(''),
      significantText: significantView(definition, commands, [...outputs, ...postOutputs], definition.postGoesFirst),
      hostKeyFingerprint: 'hostKeyFingerprint' in connection ? connection.hostKeyFingerprint : undefined,
      originalText,
    };
  } catch (error) {
    if (isCollectError(error)) throw error;
    throw new CollectError('plugin_error', `${definition.key}: ${String(error)}`, { cause: error });
  } finally {
    await connection.close();
  }
  if (!definition.files?.length) return artefact;
  const files = await fetchFiles(definition, definition.files, ctx);
  return {
    ...artefact,
    text: artefact.text + files,
    significantText: artefact.significantText === undefined ? undefined : artefact.significantText + files,
  };
}

/** Each file over SCP on a connection of its own after the session (Oxidized's separate `scp` input). */
async function fetchFiles(
  definition: ShellPluginDefinition,
  files: readonly ShellFile[],
  ctx: CollectContext,
): Promise<string> {
  const connection = await connectSsh(ctx.target, ctx, { algorithms: definition.algorithms });
  try {
    let text = '';
    for (const file of files) {
      ctx.progress({ message: `copying ${file.path} over SCP` });
      const content = (await scpReadFile(connection.client, file.path, ctx)).toString('utf8');
      text += processCommandOutput(
        definition,
        { command: file.path, clean: file.clean },
        content,
        ctx.scrubSecrets,
        ctx.target,
      );
    }
    return text;
  } catch (error) {
    if (isCollectError(error)) throw error;
    throw new CollectError('plugin_error', `${definition.key}: ${String(error)}`, { cause: error });
  } finally {
    await connection.close();
  }
}

/** The config without volatile command outputs, then through the plugin's own filter; undefined if neither. */
function significantView(
  definition: ShellPluginDefinition,
  commands: readonly ShellCommand[],
  outputs: readonly string[],
  postGoesFirst = false,
): string | undefined {
  if (!definition.significantChanges && !commands.some((spec) => spec.volatile)) return undefined;
  const keptOutputs = outputs.filter((_, i) => !commands[i]?.volatile);
  // The `post` output sits after the command outputs here; move it to the front when it goes first.
  if (postGoesFirst && outputs.length > commands.length) keptOutputs.unshift(keptOutputs.pop() ?? '');
  const kept = keptOutputs.join('');
  return definition.significantChanges ? definition.significantChanges(kept) : kept;
}

/**
 * Oxidized's `ssh_no_exec` node var: an exec plugin talks to an interactive shell instead (devices whose exec
 * channel is disabled or broken), with its prompt, `postLogin` and `logout`; its cleanups see the option too.
 */
export const sshNoExecOption: PluginOption = {
  key: 'ssh_no_exec',
  description: '"true" to use an interactive shell instead of an exec channel per command (Oxidized var)',
  required: false,
};

function usesExec(definition: ShellPluginDefinition, target: DeviceTarget): boolean {
  return definition.transport === 'ssh-exec' && !booleanOption(target, sshNoExecOption.key);
}

function commandFor(spec: ShellCommand, ctx: CollectContext): string {
  return ctx.scrubSecrets && spec.scrubbedCommand ? spec.scrubbedCommand : spec.command;
}

type Client = Awaited<ReturnType<typeof connectSsh>>['client'];

/** Raw outputs in `commands` order (undefined for a skipped one), and what the `post` step returned. */
interface SessionOutputs {
  raws: (string | undefined)[];
  post: string | undefined;
  /** What the `post` step ran, in order, with the raw answers (to rebuild its output without the masks). */
  postCalls: PostCall[];
}

function earlierOutputs(
  commands: readonly ShellCommand[],
  raws: readonly (string | undefined)[],
  target: DeviceTarget,
): EarlierOutputs {
  return {
    target,
    rawOutputOf(command) {
      const index = commands.findIndex((spec) => spec.command === command);
      return index === -1 ? undefined : raws[index];
    },
  };
}

/** False when the command's `runIf` says to skip it, given what ran before it. */
function shouldRun(
  spec: ShellCommand,
  commands: readonly ShellCommand[],
  raws: readonly (string | undefined)[],
  ctx: CollectContext,
): boolean {
  return spec.runIf?.(earlierOutputs(commands, raws, ctx.target)) ?? true;
}

/** Each command in turn (unless its `runIf` says no), with its fallback when the answer asks for one. */
async function runCommands(
  commands: readonly ShellCommand[],
  ctx: CollectContext,
  run: (command: string) => Promise<string>,
): Promise<(string | undefined)[]> {
  const raws: (string | undefined)[] = [];
  for (const spec of commands) {
    if (!shouldRun(spec, commands, raws, ctx)) {
      raws.push(undefined);
      continue;
    }
    ctx.progress({ message: `running ${spec.command}` });
    const raw = await run(commandFor(spec, ctx));
    raws.push(spec.fallback?.ifOutputMatches.test(raw) ? await run(spec.fallback.command) : raw);
  }
  return raws;
}

async function runPost(
  definition: ShellPluginDefinition,
  commands: readonly ShellCommand[],
  raws: readonly (string | undefined)[],
  ctx: CollectContext,
  runRaw: (command: string) => Promise<string>,
  calls: PostCall[] = [],
): Promise<string | undefined> {
  if (!definition.post) return undefined;
  return definition.post({
    async run(command, options) {
      ctx.progress({ message: `running ${options?.label ?? command}` });
      const raw = await runRaw(command);
      calls.push({ command, raw });
      return processCommandOutput(definition, { command }, raw, ctx.scrubSecrets, ctx.target);
    },
    rawOutputOf: earlierOutputs(commands, raws, ctx.target).rawOutputOf,
    comment: (text) => commentLines(text, definition.commentPrefix),
    target: ctx.target,
    scrubSecrets: ctx.scrubSecrets,
  });
}

async function runExec(
  definition: ShellPluginDefinition,
  client: Client,
  commands: readonly ShellCommand[],
  ctx: CollectContext,
): Promise<SessionOutputs> {
  // One byte budget for the whole session, as a shell session has: the cap is on the total, not per command.
  const budget = execBudget();
  const exec = (command: string) => execCommand(client, command, ctx, budget);
  const raws = await runCommands(commands, ctx, exec);
  const postCalls: PostCall[] = [];
  const post = await runPost(definition, commands, raws, ctx, exec, postCalls);
  return { raws, post, postCalls };
}

function shellOptionsOf(definition: ShellPluginDefinition) {
  return {
    prompt: definition.prompt,
    expects: definition.expects,
    newline: definition.newline,
    terminal: definition.terminal,
  };
}

async function runShell(
  definition: ShellPluginDefinition,
  open: () => Promise<ShellSession>,
  commands: readonly ShellCommand[],
  ctx: CollectContext,
): Promise<SessionOutputs> {
  const shell = await open();
  try {
    const banner = await shell.waitForPrompt();
    if (definition.login) {
      await definition.login({
        run: (command, prompt) => shell.run(command, prompt),
        send: (command) => shell.send(command),
        target: ctx.target,
        banner,
      });
    } else {
      await enterPrivilegedMode(definition, shell, ctx.target);
    }
    for (const command of definition.postLogin ?? []) await shell.run(command);
    const raws = await runCommands(commands, ctx, (command) => shell.run(command));
    const postCalls: PostCall[] = [];
    const post = await runPost(definition, commands, raws, ctx, (command) => shell.run(command), postCalls);
    const logout = typeof definition.logout === 'function' ? definition.logout(ctx.target) : definition.logout;
    for (const command of logout ?? []) shell.send(command);
    return { raws, post, postCalls };
  } finally {
    shell.close();
  }
}

async function enterPrivilegedMode(
  definition: ShellPluginDefinition,
  shell: ShellSession,
  target: DeviceTarget,
): Promise<void> {
  if (!definition.enable || !target.enablePassword) return;
  await shell.run(definition.enable.command, definition.enable.passwordPrompt);
  await shell.run(target.enablePassword);
}

/**
 * Oxidized's `enable` node var for plugins that take it: the option `enable=true` enters privileged mode
 * without a password; the device's enable password, when set, is sent at the password prompt.
 */
export const enableOption: PluginOption = {
  key: 'enable',
  description: '"true" to enter privileged mode without a password (the enable password is used when set)',
  required: false,
};

/** `false` (stay), `true` (enable without a password) or the password to give; like Oxidized's `vars(:enable)`. */
export function enableVar(target: DeviceTarget): boolean | string {
  if (target.enablePassword) return target.enablePassword;
  return target.options.enable?.trim().toLowerCase() === 'true';
}

/** A boolean plugin option (`true`/`yes`/`1`), for Oxidized vars such as `cumulus_use_nvue`. */
export function booleanOption(target: DeviceTarget, key: string): boolean {
  return ['true', 'yes', '1'].includes(target.options[key]?.trim().toLowerCase() ?? '');
}

/**
 * Oxidized's usual enable step as a `login`: `enable=true` types the command alone; an enable password
 * types it, waits for `passwordPrompt`, then types the password.
 */
export function enableLogin(command = 'enable', passwordPrompt = /^[pP]assword:/): ShellPluginDefinition['login'] {
  return async ({ run, target }) => {
    const enable = enableVar(target);
    if (enable === true) await run(command);
    else if (enable) {
      await run(command, passwordPrompt);
      await run(enable);
    }
  };
}

/**
 * Oxidized's other usual enable step (`send "enable\n"` then `cmd vars(:enable)`): the password is typed
 * without waiting for its prompt, then the OS prompt is awaited; `enable=true` types the command alone. Use it
 * as the whole `login`, or call it inside one.
 */
export async function enterEnableBlind(
  session: Pick<LoginSession, 'run' | 'send' | 'target'>,
  command = 'enable',
): Promise<void> {
  const enable = enableVar(session.target);
  if (enable === true) await session.run(command);
  else if (enable) {
    session.send(command);
    await session.run(enable);
  }
}

/**
 * Oxidized's root step for Linux-based OSes (`linuxgeneric`, `cumulus`), for files only root may read:
 * `enable=true` is `sudo su -` with the login password, an enable password is `su -` (whose prompt is only
 * recognised in English).
 */
export async function enterRootShell({ run, target }: Pick<LoginSession, 'run' | 'target'>): Promise<void> {
  const enable = enableVar(target);
  if (enable === true) {
    await run('sudo su -', /^\[sudo\] password/m);
    await run(target.password);
  } else if (enable) {
    await run('su -', /^Password:/m);
    await run(enable);
  }
}

/** The logout after `enterRootShell`: out of the root shell first, when one was opened. */
export function exitRootShell(target: DeviceTarget): readonly string[] {
  return enableVar(target) ? ['exit', 'exit'] : ['exit'];
}

/**
 * Oxidized's `clean :escape_codes`: ANSI CSI sequences and `ESC =` / `ESC >`, with a carriage return on
 * either side, removed from the buffer as it arrives (CLIs that colour or redraw their prompt).
 */
export const escapeCodesExpect: ShellExpect = {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point.
  pattern: /\r?\x1b(?:\[[0-?]*[ -/]*[@-~]|[=>])\r?/g,
};
