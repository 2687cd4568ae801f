/**
 * The piscina pool that runs collections off the main thread. A plugin that throws or a worker that dies
 * fails only its own job; the pool replaces dead workers by itself.
 */
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { CollectOutcome, CollectProgressMessage, CollectTask } from './collect-task.js';

export interface CollectPool {
  run(
    task: Omit<CollectTask, 'progressPort'>,
    options: { signal: AbortSignal; onProgress(progress: CollectProgressMessage): void },
  ): Promise<CollectOutcome>;
  close(): Promise<void>;
}

// Sources run under tsx in dev and tests; production loads the compiled worker.
const workerFile = new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

export function createCollectPool(size: number): CollectPool {
  const piscina = new Piscina({ filename: workerFile, minThreads: 1, maxThreads: size, idleTimeout: 60_000 });
  return {
    async run(task, { signal, onProgress }) {
      const { port1, port2 } = new MessageChannel();
      port1.on('message', (message: CollectProgressMessage) => onProgress(message));
      try {
        return (await piscina.run(
          { ...task, progressPort: port2 },
          { signal, transferList: [port2] },
        )) as CollectOutcome;
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
        port1.close();
      }
    },
    async close() {
      await piscina.destroy();
    },
  };
}
