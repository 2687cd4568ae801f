/** Starts Debian's tftpd-hpa in the foreground on a loopback port; no system service involved. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { decodePacket, encodeRrq } from '../../src/transports/tftp-packet.js';

export const tftpdPath = '/usr/sbin/in.tftpd';

export interface RunningTftpd {
  port: number;
  stop(): Promise<void>;
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Resolves once the server answers a request (an ERROR for a missing probe file is an answer). */
async function waitUntilServing(port: number, child: ChildProcess): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (child.exitCode !== null) throw new Error(`in.tftpd exited with ${child.exitCode}`);
      const answered = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 50);
        socket.once('message', (message) => {
          clearTimeout(timer);
          resolve(decodePacket(message).op === 'error');
        });
      });
      socket.send(encodeRrq('.devicevault-probe-missing'), port, '127.0.0.1');
      if (await answered) return;
    }
    throw new Error('in.tftpd did not start serving');
  } finally {
    socket.close();
  }
}

export async function startTftpd(root: string): Promise<RunningTftpd> {
  const port = await freeUdpPort();
  const child = spawn(tftpdPath, ['--foreground', '--listen', '--address', `127.0.0.1:${port}`, '--secure', root], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  try {
    await waitUntilServing(port, child);
  } catch (error) {
    child.kill();
    throw new Error(`${(error as Error).message}: ${stderr}`);
  }
  return {
    port,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}
