/** Step "collect": runs the task on the pool and turns its progress into log lines (byte counts at most 1/s). */
import type { CollectOutcome, CollectProgressMessage, CollectTask } from './collect-task.js';
import { JobFailure } from './job-failure.js';
import type { CollectPool } from './pool.js';

export type Collected = Extract<CollectOutcome, { ok: true }>;

export async function collectArtefact(
  pool: CollectPool,
  task: Omit<CollectTask, 'progressPort'>,
  options: { signal: AbortSignal; onLine(text: string): void },
): Promise<Collected> {
  let lastByteLine = 0;
  const outcome = await pool.run(task, {
    signal: options.signal,
    onProgress(progress: CollectProgressMessage) {
      if (progress.message) return options.onLine(progress.message);
      const now = Date.now();
      if (now - lastByteLine < 1_000) return;
      lastByteLine = now;
      const of = progress.totalBytes ? ` of ${formatBytes(progress.totalBytes)}` : '';
      options.onLine(`Received ${formatBytes(progress.bytes ?? 0)}${of}`);
    },
  });
  if (!outcome.ok) throw new JobFailure(outcome.code, outcome.message);
  return outcome;
}

export function formatBytes(bytes: number) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
