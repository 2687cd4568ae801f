/**
 * Runs one command on an exec channel (no shell, no prompt, no echo) and returns what it printed, for
 * operating systems whose CLI is scriptable (RouterOS, Junos in exec mode).
 */
import type { Client as SshClient } from 'ssh2';
import type { CollectContext } from '../contract.js';
import { CollectError } from '../errors.js';
import { abortErrorFrom } from '../runtime/abort.js';

type ExecContext = Pick<CollectContext, 'signal' | 'timeouts' | 'maxTextBytes'>;

/**
 * The bytes a session's commands have printed so far, shared by all of them: `maxTextBytes` caps their total,
 * not each command, so that a device answering many commands can't hold many times the cap.
 */
export interface ExecBudget {
  usedBytes: number;
}

export function execBudget(): ExecBudget {
  return { usedBytes: 0 };
}

/**
 * stdout and stderr in arrival order, as Oxidized's `exec!` returns them. Pass the session's `budget` to every
 * command of a session; without one the command has the whole cap to itself.
 */
export function execCommand(
  client: SshClient,
  command: string,
  ctx: ExecContext,
  budget: ExecBudget = execBudget(),
): Promise<string> {
  if (ctx.signal.aborted) return Promise.reject(abortErrorFrom(ctx.signal));
  return new Promise<string>((resolve, reject) => {
    // Bytes, decoded once at the end: a string per chunk would hold a flood at twice its size (issue 8).
    let chunks: Buffer[] = [];
    let receivedBytes = 0;
    let settled = false;
    let destroyChannel: () => void = () => {};
    let idleTimer = setTimeout(onSilence, ctx.timeouts.idleMs);

    function onSilence(): void {
      finish(new CollectError('timeout', `\`${command}\` went silent for ${ctx.timeouts.idleMs} ms`));
    }

    function onAbort(): void {
      finish(abortErrorFrom(ctx.signal));
    }

    function finish(error: CollectError | null): void {
      if (settled) return;
      settled = true;
      clearTimeout(idleTimer);
      ctx.signal.removeEventListener('abort', onAbort);
      if (error) {
        chunks = [];
        destroyChannel();
        reject(error);
        return;
      }
      resolve(Buffer.concat(chunks, receivedBytes).toString('utf8'));
    }

    ctx.signal.addEventListener('abort', onAbort, { once: true });
    client.exec(command, (error, channel) => {
      if (error) {
        finish(new CollectError('plugin_error', `the device refused to run \`${command}\`: ${error.message}`));
        return;
      }
      if (settled) {
        channel.destroy();
        return;
      }
      destroyChannel = () => channel.destroy();
      function onData(chunk: Buffer): void {
        receivedBytes += chunk.length;
        budget.usedBytes += chunk.length;
        if (budget.usedBytes > ctx.maxTextBytes) {
          finish(
            new CollectError(
              'output_too_large',
              `the session's commands printed more than ${ctx.maxTextBytes} bytes (at \`${command}\`)`,
            ),
          );
          return;
        }
        chunks.push(chunk);
        clearTimeout(idleTimer);
        idleTimer = setTimeout(onSilence, ctx.timeouts.idleMs);
      }
      channel.on('data', onData);
      channel.stderr.on('data', onData);
      // A channel that closes without an exit status was cut off, not finished.
      let exited = false;
      channel.on('exit', () => {
        exited = true;
      });
      channel.on('close', () =>
        finish(exited ? null : new CollectError('connection_dropped', `\`${command}\` was cut off mid-output`)),
      );
    });
  });
}
