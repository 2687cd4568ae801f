/**
 * `devicevault collector --server URL --token dvc_…`: a remote collector. It runs only the plugin pool (the
 * same piscina workers as the server) and dials out to the server: it long-polls for its zone's jobs, renews
 * their leases while collecting, sends progress lines, and streams each artefact back before reporting the
 * outcome (collectors/collector-routes.ts). It never opens a database or a store. An unreachable server is
 * retried with backoff; a revoked token stops it at once with exit code 3; SIGTERM/SIGINT stop it, giving its
 * unfinished jobs back to the queue.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { RemoteOutcome, RemoteTask } from '../collectors/collector-hub.js';
import { formatBytes } from '../jobs/collect-step.js';
import type { CollectOutcome, CollectProgressMessage } from '../jobs/collect-task.js';
import { storeSource } from '../jobs/collected-texts.js';
import { createCollectPool } from '../jobs/pool.js';

const usage = `usage: devicevault collector --server URL --token dvc_... [--workers N] [--sessions-per-worker N]
       [--allow-http]   (plain http:// only to a loopback server unless given: credentials travel in the answers)`;

export interface CollectorOptions {
  server: string;
  token: string;
  workers: number;
  sessionsPerWorker: number;
  log(line: string): void;
  /** Stops the collector (SIGTERM/SIGINT): its jobs end here and go back to the queue once their leases expire. */
  signal: AbortSignal;
}

/** The server refused the token: revoked (or never valid). */
export class CollectorRevoked extends Error {}

interface Running {
  stop: AbortController;
  lines: string[];
  /** Its finish call is in flight: the server has (or is storing) its outcome. */
  finishing?: boolean;
}

// Backoff between attempts to reach the server: doubles from 1 s up to 30 s, with jitter.
const firstBackoffMs = 1_000;
const maxBackoffMs = 30_000;

export async function runCollector(options: CollectorOptions): Promise<void> {
  const base = `${options.server.replace(/\/+$/, '')}/collector/v1/`;
  const capacity = options.workers * options.sessionsPerWorker;
  const pool = createCollectPool(options.workers, { sessionsPerWorker: options.sessionsPerWorker });
  const running = new Map<string, Running>();
  const done = new AbortController();
  let revoked: CollectorRevoked | null = null;
  let leaseMs = 60_000;
  let heartbeat: NodeJS.Timeout | undefined;
  let flush: NodeJS.Timeout | undefined;
  let slotFreed: (() => void) | null = null;
  const onStop = () => done.abort(options.signal.reason);
  options.signal.addEventListener('abort', onStop, { once: true });

  function fail(error: unknown) {
    if (error instanceof CollectorRevoked && !revoked) {
      revoked = error;
      done.abort(error);
    }
  }

  async function call<T>(path: string, body: unknown, signal: AbortSignal = done.signal): Promise<T> {
    const response = await fetch(base + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
    return answer<T>(response);
  }

  async function answer<T>(response: Response): Promise<T> {
    const text = await response.text();
    if (response.status === 401) throw new CollectorRevoked('the server refused this collector’s token (revoked?)');
    if (!response.ok) throw new HttpError(response.status, `${response.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as T;
  }

  function armHeartbeat(ms: number) {
    if (heartbeat && ms === leaseMs) return;
    leaseMs = ms;
    clearInterval(heartbeat);
    heartbeat = setInterval(() => void renew(), Math.max(250, Math.floor(leaseMs / 3)));
  }

  /** Renews every running job's lease and sends their progress lines; stops the jobs the server says are lost. */
  async function renew() {
    if (running.size === 0 || done.signal.aborted) return;
    const jobs = [...running.entries()];
    const lines: Record<string, string[]> = {};
    for (const [jobId, job] of jobs) if (job.lines.length > 0) lines[jobId] = job.lines.splice(0);
    try {
      const { lost } = await call<{ lost: string[] }>('renew', { jobIds: jobs.map(([id]) => id), lines });
      for (const jobId of lost) {
        const job = running.get(jobId);
        // A renewal that crossed its finish: the server already holds the outcome; the finish call answers.
        if (!job || job.finishing) continue;
        options.log(`job ${jobId}: the server took it back (lease lost); stopping it`);
        job.stop.abort(new Error('the job lease was lost'));
      }
    } catch (error) {
      fail(error);
      // Lines are kept for the next renewal; the leases are retried at the next beat.
      for (const [jobId, kept] of Object.entries(lines)) running.get(jobId)?.lines.unshift(...kept);
    }
  }

  function flushSoon() {
    if (flush) return;
    flush = setTimeout(() => {
      flush = undefined;
      void renew();
    }, 1_000);
  }

  function start(task: RemoteTask) {
    const job: Running = { stop: new AbortController(), lines: [] };
    running.set(task.jobId, job);
    let lastByteLine = 0;
    const onProgress = (progress: CollectProgressMessage) => {
      if (progress.message) job.lines.push(progress.message);
      else {
        const now = Date.now();
        if (now - lastByteLine < 1_000) return;
        lastByteLine = now;
        const of = progress.totalBytes ? ` of ${formatBytes(progress.totalBytes)}` : '';
        job.lines.push(`Received ${formatBytes(progress.bytes ?? 0)}${of}`);
      }
      flushSoon();
    };
    void (async () => {
      let spoolDir: string | undefined;
      try {
        spoolDir = await mkdtemp(join(tmpdir(), 'devicevault-collector-'));
        const { attempt: _attempt, ...rest } = task;
        // Stopping the collector stops each job through its own controller (below), not a listener each on `done`.
        const { signal } = job.stop;
        const outcome = await pool.run({ ...rest, spoolDir }, { signal, onProgress });
        if (signal.aborted) return;
        await report(task.jobId, outcome, job);
      } catch (error) {
        fail(error);
        if (!done.signal.aborted) options.log(`job ${task.jobId}: could not report it: ${String(error)}`);
      } finally {
        running.delete(task.jobId);
        if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
        slotFreed?.();
      }
    })();
  }

  /** Uploads the files, then the outcome; a briefly unreachable server is retried while the lease may still hold. */
  async function report(jobId: string, outcome: CollectOutcome, job: Running) {
    const deadline = Date.now() + leaseMs;
    for (let backoff = firstBackoffMs; ; backoff = Math.min(backoff * 2, maxBackoffMs)) {
      try {
        if (outcome.ok) {
          await upload(jobId, 'artefact', uploadSource(outcome));
          if (outcome.significantSpoolPath !== undefined)
            await upload(jobId, 'significant', outcome.significantSpoolPath);
          else if (outcome.significantText !== undefined)
            await upload(jobId, 'significant', Buffer.from(outcome.significantText, 'utf8'));
        }
        job.finishing = true;
        const result = await call<{ status: string; errorCode: string | null }>(`jobs/${jobId}/finish`, {
          outcome: remoteOutcome(outcome),
          lines: job.lines.splice(0),
        });
        options.log(`job ${jobId}: ${result.status}${result.errorCode ? ` (${result.errorCode})` : ''}`);
        return;
      } catch (error) {
        if (error instanceof CollectorRevoked || error instanceof HttpError || done.signal.aborted) throw error;
        if (Date.now() + backoff > deadline) throw error;
        options.log(`job ${jobId}: cannot reach the server (${describe(error)}); retrying`);
        await sleep(backoff, done.signal);
      }
    }
  }

  /**
   * Sends one artefact to the server: a spool file read from disk as it is sent, never whole in memory, or a
   * text the pool returned in memory (capped at DEVICEVAULT_MAX_TEXT_BYTES).
   */
  async function upload(jobId: string, name: 'artefact' | 'significant', source: string | Buffer) {
    const response = await fetch(`${base}jobs/${jobId}/${name}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/octet-stream' },
      body: typeof source === 'string' ? (Readable.toWeb(createReadStream(source)) as ReadableStream) : source,
      duplex: 'half',
      signal: done.signal,
    } as RequestInit);
    await answer(response);
  }

  try {
    options.log(`collector started: ${capacity} sessions (${options.workers} workers); server ${options.server}`);
    let backoff = firstBackoffMs;
    let reachable = true;
    while (!done.signal.aborted) {
      if (running.size >= capacity) {
        await new Promise<void>((resolve) => {
          const onDone = () => resolve();
          // The listener goes with the wait: a busy collector waits for a slot again and again.
          slotFreed = () => {
            done.signal.removeEventListener('abort', onDone);
            resolve();
          };
          done.signal.addEventListener('abort', onDone, { once: true });
        });
        slotFreed = null;
        continue;
      }
      try {
        const claimed = await call<{ leaseMs: number; tasks: RemoteTask[] }>('claim', {
          room: capacity - running.size,
          waitMs: 25_000,
        });
        if (!reachable) options.log('connected to the server again');
        reachable = true;
        backoff = firstBackoffMs;
        armHeartbeat(claimed.leaseMs);
        for (const task of claimed.tasks) {
          options.log(`job ${task.jobId}: collecting ${task.target.host}:${task.target.port} (${task.pluginKey})`);
          start(task);
        }
      } catch (error) {
        fail(error);
        if (done.signal.aborted) break;
        reachable = false;
        const wait = backoff + Math.floor(Math.random() * backoff * 0.2);
        options.log(`cannot reach the server (${describe(error)}); retrying in ${(wait / 1000).toFixed(1)} s`);
        await sleep(wait, done.signal);
        backoff = Math.min(backoff * 2, maxBackoffMs);
      }
    }
  } finally {
    clearInterval(heartbeat);
    clearTimeout(flush);
    options.signal.removeEventListener('abort', onStop);
    const unfinished = [...running.keys()];
    for (const job of running.values()) job.stop.abort(done.signal.reason);
    // Stopped (not revoked) with jobs in hand: they go back to the queue now rather than when their leases expire.
    if (!revoked && unfinished.length > 0) {
      await call('release', { jobIds: unfinished }, AbortSignal.timeout(5_000)).then(
        () => options.log(`gave ${unfinished.length} unfinished job(s) back to the server`),
        (error) =>
          options.log(
            `could not give the unfinished jobs back (${String(error)}); they are retried once their leases expire`,
          ),
      );
    }
    await pool.close();
  }
  if (revoked) throw revoked;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The spool file, or the text the pool returned in memory. */
function uploadSource(outcome: Extract<CollectOutcome, { ok: true }>): string | Buffer {
  const source = storeSource(outcome);
  return source.bytes !== undefined ? source.bytes : source.spoolPath;
}

function remoteOutcome(outcome: CollectOutcome): RemoteOutcome {
  if (!outcome.ok) return { ok: false, code: outcome.code, message: outcome.message };
  return {
    ok: true,
    isBinary: outcome.isBinary,
    sha256: outcome.sha256,
    size: outcome.size,
    significantSha256: outcome.significantSha256,
    hasSignificant: outcome.significantSpoolPath !== undefined || outcome.significantText !== undefined,
    hostKeyFingerprint: outcome.hostKeyFingerprint,
    originalText: outcome.originalText,
  };
}

/** fetch's "fetch failed" with its cause (ECONNREFUSED, a TLS error…), which is what an operator needs. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function sleep(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

/** The command line: options, signals, exit codes (0 stopped, 2 usage, 3 token refused). */
async function main(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        server: { type: 'string' },
        token: { type: 'string' },
        workers: { type: 'string' },
        'sessions-per-worker': { type: 'string' },
        'allow-http': { type: 'boolean' },
      },
    }) as { values: Record<string, string | boolean | undefined> });
  } catch (error) {
    process.stderr.write(`devicevault collector: ${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  const workers = Number(values.workers ?? Math.max(1, Math.min(4, availableParallelism())));
  const sessionsPerWorker = Number(values['sessions-per-worker'] ?? 64);
  const server = typeof values.server === 'string' ? values.server : '';
  const token = typeof values.token === 'string' ? values.token : '';
  const problem = !server
    ? '--server is required'
    : !/^https?:\/\//.test(server)
      ? '--server must be an http:// or https:// URL'
      : server.startsWith('http://') && !values['allow-http'] && !isLoopback(server)
        ? '--server must be https:// (the server sends device credentials); --allow-http overrides this'
        : !token.startsWith('dvc_')
          ? '--token must be a collector token (dvc_…, from createCollector)'
          : !Number.isInteger(workers) || workers < 1 || !Number.isInteger(sessionsPerWorker) || sessionsPerWorker < 1
            ? '--workers and --sessions-per-worker must be positive integers'
            : null;
  if (problem) {
    process.stderr.write(`devicevault collector: ${problem}\n${usage}\n`);
    return 2;
  }
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort(new Error(signal)));
  try {
    await runCollector({
      server,
      token,
      workers,
      sessionsPerWorker,
      signal: stop.signal,
      log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
    });
    return 0;
  } catch (error) {
    if (error instanceof CollectorRevoked) {
      process.stderr.write(`devicevault collector: the server refused this collector's token (revoked); stopping\n`);
      return 3;
    }
    process.stderr.write(`devicevault collector: ${String(error)}\n`);
    return 1;
  }
}

process.exit(await main(process.argv.slice(2)));
