/** Step "collect": runs the task on the pool and turns its progress into log lines (byte counts at most 1/s). */
import { readFile } from 'node:fs/promises';
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

/** The text and its significant view: in memory from the pool, or read from a remote collector's uploads. */
export async function textsOf(collected: Collected): Promise<{ text: string; significant: string | null }> {
  const text = collected.text ?? (await readFile(requireSpool(collected.spoolPath), 'utf8'));
  const significant =
    collected.significantText ??
    (collected.significantSpoolPath ? await readFile(collected.significantSpoolPath, 'utf8') : null);
  return { text, significant };
}

function requireSpool(spoolPath: string | undefined): string {
  if (spoolPath === undefined) throw new Error('a collected text came with neither its text nor a spool file');
  return spoolPath;
}
