/**
 * Starts Debian's OpenSSH sshd as a foreground child on a loopback port with its own host key and a
 * generated client key (public-key login as the current user), for tests and the throughput bench.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ssh2 from 'ssh2';

export const sshdPath = '/usr/sbin/sshd';
export const sshKeygenPath = '/usr/bin/ssh-keygen';
export const sftpClientPath = '/usr/bin/sftp';

const run = promisify(execFile);

export interface RunningSshd {
  port: number;
  username: string;
  /** OpenSSH-format private key the server accepts. */
  privateKey: Buffer;
  privateKeyPath: string;
  stop(): Promise<void>;
}

async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForBanner(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${log()}`);
    const banner = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('SSH-'));
      });
      socket.once('error', () => resolve(false));
    });
    if (banner) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd did not start: ${log()}`);
}

/** `dir` holds the keys and config; the SFTP root is the filesystem (use absolute paths). */
export async function startSshd(dir: string): Promise<RunningSshd> {
  const port = await freeTcpPort();
  const hostKeyPath = join(dir, 'ssh_host_ecdsa_key');
  const privateKeyPath = join(dir, 'client_ecdsa_key');
  await run(sshKeygenPath, ['-q', '-t', 'ecdsa', '-b', '256', '-N', '', '-f', hostKeyPath]);
  await run(sshKeygenPath, ['-q', '-t', 'ecdsa', '-b', '256', '-N', '', '-f', privateKeyPath]);
  await writeFile(join(dir, 'authorized_keys'), await readFile(`${privateKeyPath}.pub`), { mode: 0o600 });
  const configPath = join(dir, 'sshd_config');
  await writeFile(
    configPath,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKeyPath}`,
      'PidFile none',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      // The temp dir is not owned the way sshd's StrictModes wants a home directory to be.
      'StrictModes no',
      'Subsystem sftp internal-sftp',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  // sshd refuses to start without its privilege-separation directory (normally made by the service unit).
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 }).catch(() => {});
  const child = spawn(sshdPath, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  try {
    await waitForBanner(port, child, () => stderr);
  } catch (error) {
    child.kill();
    throw error;
  }
  return {
    port,
    username: userInfo().username,
    privateKey: await readFile(privateKeyPath),
    privateKeyPath,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}

/** An ssh2 client logged in to the test sshd with the generated key (connectSsh only does passwords). */
export function connectToSshd(sshd: RunningSshd): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({
      host: '127.0.0.1',
      port: sshd.port,
      username: sshd.username,
      privateKey: sshd.privateKey,
      // The key was generated a moment ago by startSshd; there is nothing to pin against.
      hostVerifier: () => true,
    });
  });
}
