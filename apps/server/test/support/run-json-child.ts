/** Runs a TypeScript script in a child process of its own (so its memory is its own) and parses its JSON line. */
import { spawn } from 'node:child_process';

export function runJsonChild<T>(script: string, args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--conditions=source', '--import', 'tsx', script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${script} exited with ${code}: ${stdout}`));
      else resolve(JSON.parse(stdout) as T);
    });
  });
}
