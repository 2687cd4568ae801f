/**
 * An in-process ssh2 Server for binary-transfer tests: password login, an SFTP subsystem that serves files
 * from a directory with real fs reads, an exec handler supplied by the test, and hooks for the faults a
 * device can produce mid-transfer (a size it never delivers, a connection cut halfway).
 */
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Connection, ServerChannel } from 'ssh2';
import ssh2 from 'ssh2';
import type { DeviceTarget } from '../../src/contract.js';

const { Server, utils } = ssh2;
const STATUS = utils.sftp.STATUS_CODE;

export interface SshTestServerOptions {
  /** Directory the SFTP subsystem serves (paths are taken relative to it). */
  root: string;
  /** Answers exec requests; the returned text is written to stdout and the exit code sent. */
  exec?(command: string): Promise<{ stdout: string; code: number }> | { stdout: string; code: number };
  /** Adds this many bytes to every size the server reports, without ever sending them. */
  overstateSizeBy?: number;
  /** Drops the whole connection once this many file bytes have been sent. */
  cutAfterBytes?: number;
  /** Makes OPEN fail with a permission error for names matching this pattern. */
  denyOpen?: RegExp;
}

export interface SshTestServer {
  port: number;
  target(overrides?: Partial<DeviceTarget>): DeviceTarget;
  /** Paths opened over SFTP, in order. */
  opened: string[];
  close(): Promise<void>;
}

const hostKey = utils.generateKeyPairSync('ecdsa', { bits: 256 }).private;

export async function startSshTestServer(options: SshTestServerOptions): Promise<SshTestServer> {
  const opened: string[] = [];
  const connections = new Set<Connection>();
  const server = new Server({ hostKeys: [hostKey] }, (connection) => {
    connections.add(connection);
    connection.on('close', () => connections.delete(connection));
    connection.on('error', () => {});
    connection.on('authentication', (context) => {
      if (context.method === 'password' && context.username === 'admin' && context.password === 'secret') {
        context.accept();
        return;
      }
      context.reject(['password']);
    });
    connection.on('ready', () => {
      connection.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('exec', (accept, _reject, info) => {
          const channel = accept();
          void runExec(channel, info.command);
        });
        session.on('sftp', (accept) => serveSftp(accept(), connection));
      });
    });
  });

  async function runExec(channel: ServerChannel, command: string): Promise<void> {
    const result = options.exec ? await options.exec(command) : { stdout: `bad command: ${command}\n`, code: 1 };
    channel.write(result.stdout);
    channel.exit(result.code);
    channel.end();
  }

  function serveSftp(sftp: ssh2.SFTPWrapper, connection: Connection): void {
    const handles = new Map<number, FileHandle>();
    let nextHandle = 0;
    let sentBytes = 0;
    function handleOf(buffer: Buffer): FileHandle | undefined {
      return handles.get(buffer.readUInt32BE(0));
    }
    sftp.on('OPEN', async (reqId, filename) => {
      const name = filename.replace(/^\/+/, '');
      opened.push(name);
      if (options.denyOpen?.test(name)) return sftp.status(reqId, STATUS.PERMISSION_DENIED, 'Permission denied');
      try {
        const file = await open(join(options.root, name), 'r');
        const id = nextHandle++;
        handles.set(id, file);
        const handle = Buffer.alloc(4);
        handle.writeUInt32BE(id, 0);
        sftp.handle(reqId, handle);
      } catch {
        sftp.status(reqId, STATUS.NO_SUCH_FILE, 'No such file');
      }
    });
    sftp.on('FSTAT', async (reqId, handle) => {
      const file = handleOf(handle);
      if (!file) return sftp.status(reqId, STATUS.FAILURE, 'bad handle');
      const stats = await file.stat();
      sftp.attrs(reqId, {
        mode: stats.mode,
        uid: 0,
        gid: 0,
        size: stats.size + (options.overstateSizeBy ?? 0),
        atime: 0,
        mtime: 0,
      });
    });
    sftp.on('READ', async (reqId, handle, offset, length) => {
      const file = handleOf(handle);
      if (!file) return sftp.status(reqId, STATUS.FAILURE, 'bad handle');
      const buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await file.read(buffer, 0, length, offset);
      if (bytesRead === 0) return sftp.status(reqId, STATUS.EOF);
      if (options.cutAfterBytes !== undefined && sentBytes + bytesRead > options.cutAfterBytes) {
        connection.end();
        return;
      }
      sentBytes += bytesRead;
      sftp.data(reqId, buffer.subarray(0, bytesRead));
    });
    sftp.on('CLOSE', async (reqId, handle) => {
      const id = handle.readUInt32BE(0);
      await handles.get(id)?.close();
      handles.delete(id);
      sftp.status(reqId, STATUS.OK);
    });
    sftp.on('close', () => {
      for (const file of handles.values()) void file.close();
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    opened,
    target(overrides = {}) {
      return {
        host: '127.0.0.1',
        port,
        username: 'admin',
        password: 'secret',
        hostKeyFingerprint: null,
        options: {},
        ...overrides,
      };
    },
    async close() {
      for (const connection of connections) connection.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
