// Hand-written on purpose: a thin spawn of the real git CLI so blob reads stream (simple-git returns whole strings; isomorphic-git is a second git).
/** Runs the real `git` CLI: small commands return stdout, blob reads stream. */
import { spawn } from 'node:child_process';
import { type Readable, Transform } from 'node:stream';
import { childProcessEnv } from '../env.js';

export interface GitOptions {
  env?: Record<string, string>;
  /** Bytes written to stdin, or a stream piped into it. */
  input?: string | Readable;
  /** Exit codes that are not errors (e.g. 1 for `rev-parse --verify -q` on a missing ref). */
  okCodes?: number[];
}

export class GitError extends Error {
  override readonly name = 'GitError';
  constructor(
    readonly args: string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args[0]} failed (${code}): ${stderr.trim().split('\n').at(-1) ?? ''}`);
  }
}

// Plain, predictable git: no user or system config, no pager, no prompts.
const baseEnv = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
};

function gitEnv(extra?: Record<string, string>) {
  return childProcessEnv({ ...baseEnv, ...extra });
}

export function git(
  gitDir: string,
  args: string[],
  options: GitOptions = {},
): Promise<{ stdout: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [`--git-dir=${gitDir}`, ...args], {
      env: gitEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.stdin.on('error', () => {}); // git may exit before reading everything; its exit code tells us why.
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0 || (code !== null && options.okCodes?.includes(code))) resolve({ stdout, code });
      else reject(new GitError(args, code, Buffer.concat(err).toString('utf8')));
    });
    if (typeof options.input === 'string') child.stdin.end(options.input);
    else if (options.input) options.input.pipe(child.stdin);
    else child.stdin.end();
  });
}

/** Runs git outside any repository (e.g. `git init`). */
export function gitPlain(args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { env: gitEnv(), cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new GitError(args, code, Buffer.concat(err).toString('utf8')));
    });
  });
}

/**
 * Streams `git cat-file blob <object>`, optionally only bytes start..end (inclusive). The stream errors
 * if git exits non-zero, and stops git early once the range is delivered.
 */
export function streamBlob(gitDir: string, object: string, range?: { start: number; end: number }): Readable {
  const child = spawn('git', [`--git-dir=${gitDir}`, 'cat-file', 'blob', object], {
    env: gitEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const err: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let offset = 0;
  let done = false;
  const start = range?.start ?? 0;
  const end = range ? range.end + 1 : Number.POSITIVE_INFINITY;
  const slicer = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (done) return callback();
      const from = Math.max(start - offset, 0);
      const to = Math.min(end - offset, chunk.length);
      offset += chunk.length;
      if (to > from) this.push(from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to));
      if (offset >= end) {
        done = true;
        child.stdout.unpipe(slicer);
        child.kill();
        process.nextTick(() => slicer.end());
      }
      callback();
    },
    flush(callback) {
      void exited.then((code) => {
        if (code === 0 || done) callback();
        else callback(new GitError(['cat-file', object], code, Buffer.concat(err).toString('utf8')));
      });
    },
  });
  slicer.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
  child.stdout.pipe(slicer);
  return slicer;
}
