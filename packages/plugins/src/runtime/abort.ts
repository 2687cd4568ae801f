import { CollectError } from '../errors.js';

/**
 * The error for an aborted signal. The runner aborts with a timeout reason when the job's deadline passes
 * (`AbortSignal.timeout` gives a `TimeoutError`), which must read as `timeout`, not as a user cancel.
 */
export function abortErrorFrom(signal: AbortSignal): CollectError {
  const reason: unknown = signal.reason;
  const text = reason instanceof Error ? `${reason.name} ${reason.message}` : String(reason ?? '');
  if (/timeout|timed out/i.test(text)) {
    return new CollectError('timeout', 'the collection ran past its deadline', { cause: reason });
  }
  return new CollectError('aborted', 'the collection was cancelled', { cause: reason });
}

/**
 * The context with its signal also ending at `timeouts.overallMs`: the overall deadline covers a device that
 * keeps talking slowly enough never to trip the idle timer.
 */
export function withOverallDeadline<T extends { signal: AbortSignal; timeouts: { overallMs: number } }>(ctx: T): T {
  return { ...ctx, signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(ctx.timeouts.overallMs)]) };
}
