/**
 * A real `git daemon --enable=receive-pack` for mirror tests: inetd mode behind a listener on port 0, so no
 * fixed port; repositories under `baseDir` are served as `git://127.0.0.1:<port>/<name>.git`.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';

export async function startGitDaemon(baseDir: string): Promise<Server> {
  const listener = createServer((socket) => {
    const child = spawn(
      'git',
      ['daemon', '--inetd', '--enable=receive-pack', '--export-all', `--base-path=${baseDir}`, baseDir],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    );
    // A daemon that ended while data was still arriving must not throw in the test process.
    child.stdin.on('error', () => socket.destroy());
    socket.pipe(child.stdin);
    child.stdout.pipe(socket);
    socket.on('error', () => child.kill());
    child.on('close', () => socket.end());
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  return listener;
}
