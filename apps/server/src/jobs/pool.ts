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
  CollectThread,
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
  const sessionsPerWorker = options.sessionsPerWorker ?? 1;
  const piscina = new Piscina({
    filename: options.filename ?? workerFile,
    // Every thread from the start, so the least-busy choice below spreads sessions over all of them.
    minThreads: size,
    maxThreads: size,
    idleTimeout: 60_000,
    concurrentTasksPerWorker: sessionsPerWorker,
    loadBalancer: leastBusy(sessionsPerWorker),
    // Between tasks a thread must keep serving its other sessions' sockets, not sleep in Atomics.wait.
    atomics: 'disabled',
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
    // A stop goes to the worker, which ends only this job's session. No AbortSignal goes to piscina: a task with
    // one never shares its thread, and piscina's abort terminates the thread. We terminate it ourselves, as the
    // last resort for a job that blocks its thread's event loop (its thread's other sessions fail with it).
    let thread: number | undefined;
    let hardStopTimer: NodeJS.Timeout | undefined;
    const onStop = () => {
      port1.postMessage({ stop: String(signal.reason) } satisfies CollectStop);
      hardStopTimer = setTimeout(() => {
        void piscina.threads.find((worker) => worker.threadId === thread)?.terminate();
      }, hardStopGraceMs);
    };
    if (signal.aborted) onStop();
    else signal.addEventListener('abort', onStop, { once: true });
    const ended = new Promise<void>((resolve) => {
      port1.on('message', (message: CollectProgressMessage | CollectProgressEnd | CollectThread) => {
        if ('end' in message) resolve();
        else if ('thread' in message) thread = message.thread;
        else onProgress(message);
      });
    });
    try {
      const outcome = (await piscina.run(
        { ...task, progressPort: port2 },
        { transferList: [port2] },
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

type LoadBalancer = NonNullable<NonNullable<ConstructorParameters<typeof Piscina>[0]>['loadBalancer']>;

/**
 * The thread running fewest collections. (piscina's default does the same, but stays at one task per thread
 * for tasks that carry an AbortSignal; ours carry none, and this keeps it so should one be added.)
 */
function leastBusy(maximumUsage: number): LoadBalancer {
  return (_task, workers) => {
    let best: (typeof workers)[number] | null = null;
    for (const worker of workers) {
      if (worker.currentUsage >= maximumUsage) continue;
      if (!best || worker.currentUsage < best.currentUsage) best = worker;
    }
    return best;
  };
}

// How long a stopped job's worker gets to end it before its thread is terminated.
const hardStopGraceMs = 5_000;

// Only a worker that never posts its end marker (a bug) makes us wait this long before closing the port.
const endMarkerWaitMs = 10_000;

async function emptyDir(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => []);
  await Promise.all(entries.map((entry) => rm(join(dir, entry), { recursive: true, force: true })));
}
