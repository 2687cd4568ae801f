/**
 * Reads one small file with SCP (`scp -f <path>` on an exec channel) into memory, for devices that offer
 * their configuration file over SCP but not SFTP (APC network management cards). Hand-written because the
 * sink side of the protocol is a few lines and ssh2 has no SCP client.
 */
import type { Client as SshClient } from 'ssh2';
import type { CollectContext } from '../contract.js';
import { CollectError } from '../errors.js';
import { abortErrorFrom } from '../runtime/abort.js';

type ScpContext = Pick<CollectContext, 'signal' | 'timeouts' | 'maxTextBytes'>;

const ok = Buffer.from([0]);

/** The file's bytes; `file_not_found` when the device says so, `timeout` when it goes quiet. */
export function scpReadFile(client: SshClient, path: string, ctx: ScpContext): Promise<Buffer> {
  if (ctx.signal.aborted) return Promise.reject(abortErrorFrom(ctx.signal));
  return new Promise<Buffer>((resolve, reject) => {
    let pending = Buffer.alloc(0);
    let size = -1;
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    let destroyChannel: () => void = () => {};
    let idleTimer = setTimeout(onSilence, ctx.timeouts.idleMs);

    function onSilence(): void {
      finish(new CollectError('timeout', `scp of ${path} went silent for ${ctx.timeouts.idleMs} ms`));
    }

    function onAbort(): void {
      finish(abortErrorFrom(ctx.signal));
    }

    function finish(error: CollectError | null, file?: Buffer): void {
      if (settled) return;
      settled = true;
      clearTimeout(idleTimer);
      ctx.signal.removeEventListener('abort', onAbort);
      destroyChannel();
      if (error) reject(error);
      else resolve(file ?? Buffer.alloc(0));
    }

    ctx.signal.addEventListener('abort', onAbort, { once: true });
    client.exec(`scp -f ${path}`, (error, channel) => {
      if (error) {
        finish(new CollectError('plugin_error', `the device refused scp of ${path}: ${error.message}`));
        return;
      }
      if (settled) {
        channel.destroy();
        return;
      }
      destroyChannel = () => channel.destroy();
      channel.on('error', () => {});
      channel.on('close', () => {
        if (size === -1) finish(new CollectError('connection_dropped', `scp of ${path} ended before the file`));
        else finish(new CollectError('transfer_truncated', `scp of ${path} ended after ${received} of ${size} bytes`));
      });

      function onData(chunk: Buffer): void {
        clearTimeout(idleTimer);
        idleTimer = setTimeout(onSilence, ctx.timeouts.idleMs);
        pending = Buffer.concat([pending, chunk]);
        if (size === -1) {
          const newline = pending.indexOf(0x0a);
          if (newline === -1) return;
          const line = pending.subarray(0, newline).toString('utf8');
          pending = pending.subarray(newline + 1);
          // 1 and 2 are the source's warning and error lines (no such file, permission denied).
          if (line.startsWith('\x01') || line.startsWith('\x02')) {
            const message = line.slice(1);
            const code = /no such file/i.test(message) ? 'file_not_found' : 'plugin_error';
            finish(new CollectError(code, `scp of ${path}: ${message}`));
            return;
          }
          // A `T` line (times) precedes the file when the source was asked to keep them: acknowledge and wait.
          if (line.startsWith('T')) {
            channel.write(ok);
            if (pending.length > 0) onData(Buffer.alloc(0));
            return;
          }
          const header = /^C[0-7]{4} (\d+) /.exec(line);
          if (!header) {
            finish(new CollectError('plugin_error', `scp of ${path}: unexpected answer ${JSON.stringify(line)}`));
            return;
          }
          size = Number(header[1]);
          if (size > ctx.maxTextBytes) {
            finish(new CollectError('output_too_large', `${path} is ${size} bytes`));
            return;
          }
          channel.write(ok);
        }
        const wanted = size - received;
        const body = pending.subarray(0, wanted);
        chunks.push(body);
        received += body.length;
        pending = pending.subarray(body.length);
        // The file, then one status byte (0 when the source read it all).
        if (received < size || pending.length === 0) return;
        if (pending[0] !== 0) {
          finish(new CollectError('transfer_truncated', `scp of ${path} failed after the data`));
          return;
        }
        channel.write(ok);
        finish(null, Buffer.concat(chunks));
      }

      channel.on('data', onData);
      channel.write(ok);
    });
  });
}
