/**
 * The piscina worker: runs one plugin with plain data in and a result out (a binary's bytes in a spool file).
 * It never opens the database or publishes events; the runner on the main thread owns side effects.
 */
import { createHash } from 'node:crypto';
import { type MessagePort, threadId } from 'node:worker_threads';
import type { BackupPlugin } from '@devicevault/plugins/contract';
import { isCollectError } from '@devicevault/plugins/errors';
import { findPlugin } from '@devicevault/plugins/registry';
import { linkedSignal } from '@devicevault/plugins/runtime/abort';
import type { CollectOutcome, CollectProgressEnd, CollectStop, CollectTask, CollectThread } from './collect-task.js';
import { incompleteReason } from './output-checks.js';

export default async function collect(task: CollectTask): Promise<CollectOutcome> {
  const plugin = findPlugin(task.pluginKey);
  if (!plugin) {
    endProgress(task.progressPort);
    return { ok: false, code: 'invalid_options', message: `unknown plugin key "${task.pluginKey}"` };
  }
  return collectWith(plugin, task);
}

/** Runs one plugin and classifies every way it can fail (exported for test workers with extra plugins). */
export async function collectWith(plugin: BackupPlugin, task: CollectTask): Promise<CollectOutcome> {
  // Our own deadline fires slightly before the runner's hard stop, so the plugin can fail cleanly with `timeout`.
  // A stop from the runner (cancelled, lease lost, server stopping) arrives on the port: this thread runs other
  // jobs' sessions too, so it is not terminated for one job unless that job blocks its event loop.
  task.progressPort.postMessage({ thread: threadId } satisfies CollectThread);
  const stopped = new AbortController();
  task.progressPort.on('message', (message: CollectStop) => {
    if (message?.stop) stopped.abort(new Error(message.stop));
  });
  const deadline = linkedSignal([stopped.signal], task.timeouts.overallMs);
  const { signal } = deadline;
  try {
    const artefact = await untilAborted(
      plugin.collect({
        target: task.target,
        signal,
        timeouts: task.timeouts,
        maxTextBytes: task.maxTextBytes,
        scrubSecrets: task.scrubSecrets,
        spoolDir: task.spoolDir,
        networkPolicy: task.networkPolicy,
        progress: (event) => task.progressPort.postMessage(event),
      }),
      signal,
    );
    if (artefact.kind === 'binary') {
      return { ok: true, isBinary: true, ...pick(artefact) };
    }
    const bytes = Buffer.from(artefact.text, 'utf8');
    if (bytes.length > task.maxTextBytes) {
      return {
        ok: false,
        code: 'output_too_large',
        message: `text output is ${bytes.length} bytes, over the ${task.maxTextBytes}-byte cap (DEVICEVAULT_MAX_TEXT_BYTES)`,
      };
    }
    const incomplete = incompleteReason(plugin, artefact.text, bytes.length);
    if (incomplete) return { ok: false, code: 'suspect_output', message: incomplete };
    // The text goes back in memory, never through a file: it is capped, and the runner needs it whole anyway.
    return {
      ok: true,
      isBinary: false,
      sha256: sha256(bytes),
      size: bytes.length,
      significantSha256:
        artefact.significantText === undefined ? undefined : sha256(Buffer.from(artefact.significantText)),
      text: artefact.text,
      significantText: artefact.significantText,
      hostKeyFingerprint: artefact.hostKeyFingerprint,
      // In memory, never in the spool: the unmasked config must not touch the disk in the clear.
      originalText: artefact.originalText,
    };
  } catch (error) {
    if (stopped.signal.aborted)
      return { ok: false, code: 'timeout', message: `collection stopped (${String(stopped.signal.reason)})` };
    if (isCollectError(error)) return { ok: false, code: error.code, message: error.message };
    if (signal.aborted)
      return { ok: false, code: 'timeout', message: `collection exceeded ${task.timeouts.overallMs} ms` };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, code: 'plugin_error', message: `plugin ${plugin.key} failed: ${message}` };
  } finally {
    deadline.dispose();
    endProgress(task.progressPort);
  }
}

/** A plugin that ignores its signal must not hold the job (and its thread's other sessions wait for nothing). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function pick(artefact: { spoolPath: string; sha256: string; size: number; hostKeyFingerprint?: string }) {
  return {
    spoolPath: artefact.spoolPath,
    sha256: artefact.sha256,
    size: artefact.size,
    hostKeyFingerprint: artefact.hostKeyFingerprint,
  };
}

function sha256(bytes: Buffer) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Ends a task's progress channel with a marker the pool waits for, so no line in transit is dropped. */
function endProgress(port: MessagePort): void {
  port.postMessage({ end: true } satisfies CollectProgressEnd);
  port.close();
}
