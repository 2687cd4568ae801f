/**
 * The syslog receiver for change-triggered backups: UDP and TCP on one port (RFC 3164 and RFC 5424, parsed
 * with nsyslog-parser; TCP framed by octet counting or newlines, RFC 6587). A message that says the
 * configuration changed queues a debounced backup of the device that sent it (change-trigger.ts).
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import parseSyslog from 'nsyslog-parser';
import type { Logger } from '../log.js';
import type { ChangeTrigger } from './change-trigger.js';
import { changedByFromMessage, isChangeMessage } from './changed-by.js';

export interface SyslogReceiver {
  start(port: number, host: string): Promise<number>;
  stop(): Promise<void>;
}

const maxTcpFrame = 64 * 1024;

export function createSyslogReceiver(deps: { trigger: ChangeTrigger; log: Logger }): SyslogReceiver {
  let udp: Socket | undefined;
  let tcp: Server | undefined;

  function handle(line: string, address: string | undefined) {
    const text = line.replace(/\r?\n$/, '');
    if (!text || !isChangeMessage(text)) return;
    const parsed = parseSyslog(text);
    // A HOSTNAME only counts when the parser recognised the header (else it is a guess from the message).
    const hostname = parsed.type === 'BSD' || parsed.type === 'RFC5424' ? parsed.host || null : null;
    void deps.trigger
      .report({
        address: address ?? null,
        hostname: hostname && hostname !== '-' ? hostname : null,
        changedBy: changedByFromMessage(parsed.message ?? text),
        source: `syslog ${address ?? 'unknown'}`,
      })
      .then((result) => {
        if (result.deviceIds.length === 0)
          deps.log.debug('syslog change message matched no device', { address, hostname });
      })
      .catch((error) => deps.log.warn('change-triggered backup failed to queue', { error: String(error) }));
  }

  return {
    async start(port, host) {
      tcp = createServer((socket) => {
        let buffer = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          buffer += chunk;
          for (;;) {
            const counted = /^(\d{1,6}) /.exec(buffer);
            if (counted) {
              const length = Number(counted[1]);
              if (length > maxTcpFrame) return socket.destroy();
              const start = counted[0].length;
              if (buffer.length < start + length) break;
              handle(buffer.slice(start, start + length), socket.remoteAddress);
              buffer = buffer.slice(start + length);
              continue;
            }
            const newline = buffer.indexOf('\n');
            if (newline < 0) break;
            handle(buffer.slice(0, newline), socket.remoteAddress);
            buffer = buffer.slice(newline + 1);
          }
          if (buffer.length > maxTcpFrame) socket.destroy();
        });
        socket.on('error', () => socket.destroy());
      });
      await new Promise<void>((resolve, reject) => {
        tcp!.once('error', reject);
        tcp!.listen(port, host, () => resolve());
      });
      const bound = (tcp.address() as { port: number }).port;
      udp = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      udp.on('message', (message, remote) => handle(message.toString('utf8'), remote.address));
      udp.on('error', (error) => deps.log.warn('syslog UDP socket error', { error: String(error) }));
      await new Promise<void>((resolve, reject) => {
        udp!.once('error', reject);
        udp!.bind(bound, host, () => resolve());
      });
      deps.log.info('syslog receiver listening', { port: bound, udp: true, tcp: true });
      return bound;
    },
    async stop() {
      await new Promise<void>((resolve) => (udp ? udp.close(() => resolve()) : resolve()));
      await new Promise<void>((resolve) => (tcp ? tcp.close(() => resolve()) : resolve()));
    },
  };
}
