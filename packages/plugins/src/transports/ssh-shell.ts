/**
 * An interactive shell on an SSH connection, driven the way a person would: wait for the prompt, type a
 * command, read until the prompt comes back, press a key when a pager asks. Every way this can hang or
 * overflow ends in a classified CollectError.
 */
import { StringDecoder } from 'node:string_decoder';
import type { ClientChannel, Client as SshClient } from 'ssh2';
import type { CollectContext } from '../contract.js';
import { CollectError } from '../errors.js';
import { abortErrorFrom } from '../runtime/abort.js';
import { type Terminal, terminalOf } from './terminal.js';

/**
 * Runs after every chunk on the recent output (the last 16–32 KiB, from a line start), like Oxidized's `expect`
 * blocks (pagers, escape codes).
 */
export interface ShellExpect {
  pattern: RegExp;
  /** Keys sent when the pattern matches, e.g. a space for `--More--`. */
  send?: string;
  /** Replacement for the match (default: removed). Only the first match unless the pattern is global. */
  replaceWith?: string;
}

export interface ShellOptions {
  /** The device prompt, tested against the last line of the output. */
  prompt: RegExp;
  expects?: readonly ShellExpect[];
  /** What ends a typed line. */
  newline?: string;
  /** The pty asked for; Oxidized's (vt100, 80×24) where not set. */
  terminal?: Partial<Terminal>;
}

export interface ShellSession {
  /** Waits for the first prompt after login; `prompt_not_found` if it never comes. Returns banner and prompt. */
  waitForPrompt(): Promise<string>;
  /** Types `command`, returns the echo, the output and the next prompt, with `\r\n` turned into `\n`. */
  run(command: string, prompt?: RegExp): Promise<string>;
  /** Types without waiting for anything (logout commands). */
  send(command: string): void;
  close(): void;
}

/** Runs every expect rule on `buffer` in order; returns the rewritten buffer. */
export function applyExpects(
  buffer: string,
  expects: readonly ShellExpect[],
  sendKeys: (keys: string) => void = () => {},
): string {
  let result = buffer;
  for (const expect of expects) {
    if (result.search(expect.pattern) === -1) continue;
    result = result.replace(expect.pattern, expect.replaceWith ?? '');
    if (expect.send !== undefined) sendKeys(expect.send);
  }
  return result;
}

type ShellContext = Pick<CollectContext, 'signal' | 'timeouts' | 'maxTextBytes'>;

interface Waiter {
  prompt: RegExp;
  /** The error code when the device goes quiet before the prompt. */
  silenceCode: 'timeout' | 'prompt_not_found';
  resolve(output: string): void;
  reject(error: CollectError): void;
}

// Prompts and pagers sit at the end of the output, so rules only ever look at this much recent text; older
// text is kept as UTF-8 bytes. Re-running the rules over everything on each chunk was quadratic, and a
// device flooding output held the server's memory several times over as strings (issue 8).
const tailChars = 16 * 1024;

/** What a shell needs from the wire: an SSH channel, or the stream of a TELNET connection. */
export interface ShellStream {
  write(data: string): unknown;
  destroy(): unknown;
  end(): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  /** SSH's stderr, read as part of the output. */
  stderr?: { on(event: 'data', listener: (chunk: Buffer) => void): unknown };
}

export async function openShell(client: SshClient, ctx: ShellContext, options: ShellOptions): Promise<ShellSession> {
  const channel = await openChannel(client, ctx, terminalOf(options.terminal));
  // The connection closing must end the shell as a drop rather than leave a wait to its timer.
  client.on('close', () => channel.destroy());
  return driveShell(channel, ctx, options);
}

/** The shell logic over any duplex stream: the SSH channel above, or a TELNET session after its login. */
export function driveShell(channel: ShellStream, ctx: ShellContext, options: ShellOptions): ShellSession {
  const newline = options.newline ?? '\n';
  const expects = options.expects ?? [];
  const decoder = new StringDecoder('utf8');
  const output = createShellOutput();
  let receivedBytes = 0;
  let failure: CollectError | null = null;
  let waiter: Waiter | null = null;
  let idleTimer: NodeJS.Timeout | undefined;

  function fail(error: CollectError): void {
    if (failure) return;
    failure = error;
    clearTimeout(idleTimer);
    ctx.signal.removeEventListener('abort', onAbort);
    channel.destroy();
    output.clear();
    waiter?.reject(error);
    waiter = null;
  }

  function onAbort(): void {
    fail(abortErrorFrom(ctx.signal));
  }

  function armIdleTimer(): void {
    clearTimeout(idleTimer);
    if (!waiter) return;
    const code = waiter.silenceCode;
    idleTimer = setTimeout(() => {
      const tail = JSON.stringify(output.tail.slice(-80));
      fail(
        code === 'prompt_not_found'
          ? new CollectError(
              'prompt_not_found',
              `no prompt matching ${options.prompt} after login; last output ${tail}`,
            )
          : new CollectError('timeout', `the device went silent for ${ctx.timeouts.idleMs} ms; last output ${tail}`),
      );
    }, ctx.timeouts.idleMs);
  }

  function checkPrompt(): void {
    if (!waiter) return;
    waiter.prompt.lastIndex = 0;
    if (!waiter.prompt.test(output.lastLine())) return;
    const done = waiter;
    waiter = null;
    clearTimeout(idleTimer);
    done.resolve(output.take());
  }

  function onData(chunk: Buffer): void {
    if (failure) return;
    receivedBytes += chunk.length;
    if (receivedBytes > ctx.maxTextBytes) {
      fail(new CollectError('output_too_large', `the device sent more than ${ctx.maxTextBytes} bytes`));
      return;
    }
    output.tail = applyExpects(output.tail + decoder.write(chunk), expects, (keys) => channel.write(keys));
    output.settle();
    armIdleTimer();
    checkPrompt();
  }

  function wait(prompt: RegExp, silenceCode: Waiter['silenceCode']): Promise<string> {
    if (failure) return Promise.reject(failure);
    return new Promise<string>((resolve, reject) => {
      waiter = { prompt, silenceCode, resolve, reject };
      armIdleTimer();
      checkPrompt();
    });
  }

  channel.on('data', onData);
  channel.stderr?.on('data', onData);
  // Built only for a close we did not ask for: every shell closes, and an Error's stack costs.
  channel.on('close', () => {
    if (!failure) fail(new CollectError('connection_dropped', 'the device closed the shell mid-output'));
  });
  ctx.signal.addEventListener('abort', onAbort, { once: true });

  return {
    waitForPrompt() {
      return wait(options.prompt, 'prompt_not_found');
    },
    async run(command, prompt = options.prompt) {
      output.clear();
      const pending = wait(prompt, 'timeout');
      if (!failure) channel.write(command + newline);
      const text = await pending;
      return text.replace(/\r\n/g, '\n');
    },
    send(command) {
      if (!failure) channel.write(command + newline);
    },
    close() {
      clearTimeout(idleTimer);
      ctx.signal.removeEventListener('abort', onAbort);
      // Mark as finished first so the close event that follows is not reported as a drop.
      failure ??= new CollectError('connection_dropped', 'the shell was closed');
      channel.end();
    },
  };
}

interface ShellOutput {
  /** The recent text the expect rules and the prompt look at; starts at a line start when it can. */
  tail: string;
  /** Moves text older than the tail window into bytes. */
  settle(): void;
  /** The last line, or its last `tailChars` or more characters when it is longer than that. */
  lastLine(): string;
  /** Everything since the last clear, decoded once, and clears. */
  take(): string;
  clear(): void;
}

/** The output of one command: older text as UTF-8 bytes, the recent tail as a string. */
function createShellOutput(): ShellOutput {
  let settled: Buffer[] = [];
  return {
    tail: '',
    settle() {
      const tail = this.tail;
      if (tail.length <= 2 * tailChars) return;
      // Cut after a newline so the rules' `^` anchors still see line starts; a longer line is cut inside.
      const newlineAt = tail.lastIndexOf('\n', tail.length - tailChars);
      let cut = newlineAt === -1 ? tail.length - tailChars : newlineAt + 1;
      // Never split a surrogate pair: its halves would not survive the trip through UTF-8.
      if (isHighSurrogate(tail.charCodeAt(cut - 1))) cut -= 1;
      settled.push(Buffer.from(tail.slice(0, cut), 'utf8'));
      this.tail = tail.slice(cut);
    },
    lastLine() {
      return this.tail.slice(this.tail.lastIndexOf('\n') + 1);
    },
    take() {
      const text = settled.length === 0 ? this.tail : Buffer.concat(settled).toString('utf8') + this.tail;
      this.clear();
      return text;
    },
    clear() {
      settled = [];
      this.tail = '';
    },
  };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function openChannel(client: SshClient, ctx: ShellContext, terminal: Terminal): Promise<ClientChannel> {
  if (ctx.signal.aborted) return Promise.reject(abortErrorFrom(ctx.signal));
  return new Promise<ClientChannel>((resolve, reject) => {
    // A device that accepts the login but never grants a shell would otherwise hang until the job deadline.
    const timer = setTimeout(() => {
      finish(new CollectError('timeout', `the device did not open a shell within ${ctx.timeouts.idleMs} ms`));
    }, ctx.timeouts.idleMs);

    function onAbort(): void {
      finish(abortErrorFrom(ctx.signal));
    }

    let settled = false;

    function finish(error: CollectError | null, channel?: ClientChannel): void {
      if (settled) {
        // A shell granted after we gave up: nobody will read it.
        channel?.destroy();
        return;
      }
      settled = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      if (channel && !error) {
        resolve(channel);
        return;
      }
      channel?.destroy();
      if (error) reject(error);
    }

    ctx.signal.addEventListener('abort', onAbort, { once: true });
    client.shell({ term: terminal.type, rows: terminal.rows, cols: terminal.columns }, (error, channel) => {
      if (error) {
        finish(new CollectError('plugin_error', `the device refused a shell: ${error.message}`, { cause: error }));
        return;
      }
      finish(null, channel);
    });
  });
}
