/**
 * The piscina pool that runs collections off the main thread. A plugin that throws or a worker that dies
 * fails only its own job; the pool replaces dead workers by itself.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type {
  CollectOutcome,
  CollectProgressEnd,
  CollectProgressMessage,
  CollectStop,
  CollectTask,
} from './collect-task.js';

export interface CollectPool {
  run(
    task: Omit<CollectTask, 'progressPort'>,
    options: { signal: AbortSignal; onProgress(progress: CollectProgressMessage): void },
  ): Promise<CollectOutcome>;
  close(): Promise<void>;
}

// Sources run under tsx in dev and tests; production loads the compiled worker.
const workerFile = new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

export interface CollectPoolOptions {
  /**
   * The worker module (a file URL). Only tests set it: their worker wraps the real one and adds plugins that
   * throw, hang or kill their thread, so those never have to live in the production registry.
   */
  filename?: string;
  /** Collections a thread runs at once: they mostly wait on sockets, so many share a thread (default 1). */
  sessionsPerWorker?: number;
}

export function createCollectPool(size: number, options: CollectPoolOptions = {}): CollectPool {
  const piscina = new Piscina({
    filename: options.filename ?? workerFile,
    minThreads: 1,
    maxThreads: size,
    idleTimeout: 60_000,
    concurrentTasksPerWorker: options.sessionsPerWorker ?? 1,
  });
  return {
    async run(task, runOptions) {
      const outcome = await runInWorker(task, runOptions);
      // A failed job keeps nothing: a thread killed mid-download, or a plugin that threw, may leave a partial
      // spool file behind in the job's own directory.
      if (!outcome.ok) await emptyDir(task.spoolDir);
      return outcome;
    },
    async close() {
      await piscina.destroy();
    },
  };

  async function runInWorker(
    task: Parameters<CollectPool['run']>[0],
    { signal, onProgress }: Parameters<CollectPool['run']>[1],
  ): Promise<CollectOutcome> {
    const { port1, port2 } = new MessageChannel();
    // A stop goes to the worker first, which ends only this job's session; piscina's own abort terminates the
    // whole thread (and every session on it), so it is the last resort for a job blocking its event loop.
    const hardStop = new AbortController();
    let hardStopTimer: NodeJS.Timeout | undefined;
    const onStop = () => {
      port1.postMessage({ stop: String(signal.reason) } satisfies CollectStop);
      hardStopTimer = setTimeout(() => hardStop.abort(signal.reason), hardStopGraceMs);
    };
    if (signal.aborted) onStop();
    else signal.addEventListener('abort', onStop, { once: true });
    const ended = new Promise<void>((resolve) => {
      port1.on('message', (message: CollectProgressMessage | CollectProgressEnd) => {
        if ('end' in message) resolve();
        else onProgress(message);
      });
    });
    try {
      const outcome = (await piscina.run(
        { ...task, progressPort: port2 },
        { signal: hardStop.signal, transferList: [port2] },
      )) as CollectOutcome;
      // The result and the progress travel on different channels: read the port up to the worker's end marker,
      // so the lines sent just before the task returned are not dropped.
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, endMarkerWaitMs).unref())]);
      return outcome;
    } catch (error) {
      if (signal.aborted) {
        return {
          ok: false,
          code: 'timeout',
          message: `collection stopped after its timeout (${String(signal.reason)})`,
        };
      }
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, code: 'worker_died', message: `the worker running this job stopped: ${message}` };
    } finally {
      signal.removeEventListener('abort', onStop);
      clearTimeout(hardStopTimer);
      port1.close();
    }
  }
}

// How long a stopped job's worker gets to end it before its thread is terminated.
const hardStopGraceMs = 5_000;

// Only a worker that never posts its end marker (a bug) makes us wait this long before closing the port.
const endMarkerWaitMs = 10_000;

async function emptyDir(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => []);
  await Promise.all(entries.map((entry) => rm(join(dir, entry), { recursive: true, force: true })));
}
