/**
 * Logs in on a TELNET session the way Oxidized does: answer the username and password prompts until the
 * device prompt shows, running the OS's expect rules on the way (pagers before the login, escape codes).
 * A device that asks again, or says the login failed, is `auth_failed`; one that never speaks is `timeout`.
 * What the device printed after the last answer (banner and prompt) is handed back to the stream, so the
 * shell that follows sees its first prompt exactly as over SSH.
 */
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { CollectContext, DeviceTarget } from '../contract.js';
import { CollectError } from '../errors.js';
import { abortErrorFrom } from '../runtime/abort.js';
import { applyExpects, type ShellExpect } from './ssh-shell.js';

export interface TelnetLoginPrompts {
  /** Tested against the last line of output, like the device prompt (Oxidized `username` under `cfg :telnet`). */
  username: RegExp;
  /** Oxidized `password` under `cfg :telnet`. */
  password: RegExp;
}

/** Oxidized's own defaults for `username` / `password`, loosened to what common devices print. */
export const defaultTelnetLoginPrompts: TelnetLoginPrompts = {
  username: /(?:^|\s)(?:[Uu]ser(?:\s?[Nn]ame)?|[Ll]ogin)\s?:\s*$/,
  password: /(?:^|\s)[Pp]ass(?:word|code)\s?:\s*$/,
};

/** What devices print when they reject a login before closing or asking again. */
const loginRejected = /incorrect|invalid|fail|denied|bad (?:password|secrets?)|authentication error|not authori[sz]ed/i;

export interface TelnetLoginOptions extends TelnetLoginPrompts {
  /** The device prompt: seeing it means we are in. */
  prompt: RegExp;
  expects?: readonly ShellExpect[];
  newline?: string;
}

type LoginContext = Pick<CollectContext, 'signal' | 'timeouts' | 'maxTextBytes'>;

// A login prompt is answered once the device has paused after it: a chunk can end inside a banner line
// such as "Last login: …", which must not be taken for the device asking again.
const promptSettleMs = 150;

export function telnetLogin(
  stream: Duplex,
  target: DeviceTarget,
  ctx: LoginContext,
  options: TelnetLoginOptions,
): Promise<void> {
  if (ctx.signal.aborted) return Promise.reject(abortErrorFrom(ctx.signal));
  const newline = options.newline ?? '\n';
  const expects = options.expects ?? [];

  return new Promise<void>((resolve, reject) => {
    let text = '';
    let receivedBytes = 0;
    let sentUsername = false;
    let sentPassword = false;
    let settled = false;
    let idleTimer: NodeJS.Timeout | undefined;
    let settleTimer: NodeJS.Timeout | undefined;
    const decoder = new StringDecoder('utf8');

    function finish(error: CollectError | null): void {
      if (settled) return;
      settled = true;
      clearTimeout(idleTimer);
      clearTimeout(settleTimer);
      ctx.signal.removeEventListener('abort', onAbort);
      stream.off('data', onData);
      stream.off('close', onClose);
      if (error) {
        stream.destroy();
        reject(error);
        return;
      }
      // Hold the stream until the shell's reader attaches, then let it read what came after the login.
      stream.pause();
      if (text) stream.unshift(Buffer.from(text, 'utf8'));
      resolve();
    }

    function onAbort(): void {
      finish(abortErrorFrom(ctx.signal));
    }

    function rejected(what: string): CollectError {
      return new CollectError('auth_failed', `${target.host} ${what} for ${target.username}`);
    }

    function onClose(): void {
      if (sentPassword) finish(rejected('closed the connection after the password (login refused)'));
      else finish(new CollectError('connection_dropped', `${target.host} closed the connection during login`));
    }

    function armIdleTimer(): void {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        const tail = JSON.stringify(text.slice(-80));
        if (receivedBytes === 0) {
          finish(
            new CollectError('timeout', `${target.host} sent nothing within ${ctx.timeouts.idleMs} ms of connecting`),
          );
        } else if (sentPassword && loginRejected.test(text)) {
          finish(rejected(`rejected the login (${tail})`));
        } else {
          finish(
            new CollectError(
              'prompt_not_found',
              `no login prompt or prompt matching ${options.prompt}; last output ${tail}`,
            ),
          );
        }
      }, ctx.timeouts.idleMs);
    }

    function type(line: string): void {
      text = '';
      stream.write(line + newline);
    }

    function onData(chunk: Buffer): void {
      receivedBytes += chunk.length;
      if (receivedBytes > ctx.maxTextBytes) {
        finish(
          new CollectError('output_too_large', `the device sent more than ${ctx.maxTextBytes} bytes during login`),
        );
        return;
      }
      text = applyExpects(text + decoder.write(chunk), expects, (keys) => stream.write(keys));
      armIdleTimer();
      clearTimeout(settleTimer);
      // Oxidized looks for the prompt first, then the username and password prompts.
      if (test(options.prompt, lastLine())) {
        finish(null);
        return;
      }
      if (test(options.username, lastLine()) || test(options.password, lastLine())) {
        settleTimer = setTimeout(answerLoginPrompt, Math.min(promptSettleMs, ctx.timeouts.idleMs / 4));
      }
    }

    function lastLine(): string {
      return text.slice(text.lastIndexOf('\n') + 1);
    }

    function answerLoginPrompt(): void {
      if (settled) return;
      if (test(options.username, lastLine())) {
        if (sentPassword || sentUsername) finish(rejected('asked for the username again'));
        else {
          sentUsername = true;
          type(target.username);
        }
        return;
      }
      if (test(options.password, lastLine())) {
        if (sentPassword) finish(rejected('asked for the password again'));
        else {
          sentPassword = true;
          type(target.password);
        }
      }
    }

    ctx.signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', onData);
    stream.on('close', onClose);
    armIdleTimer();
  });
}

function test(pattern: RegExp, line: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(line);
}
