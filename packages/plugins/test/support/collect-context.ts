import assert from 'node:assert/strict';
import type { CollectContext, CollectProgress, DeviceTarget } from '../../src/contract.js';
import { CollectError } from '../../src/errors.js';

export type TestCollectContext = CollectContext & { events: CollectProgress[] };

/** A CollectContext with short test timeouts that records its progress events. */
export function collectContext(
  target: DeviceTarget,
  spoolDir: string,
  signal: AbortSignal = new AbortController().signal,
): TestCollectContext {
  const events: CollectProgress[] = [];
  return {
    target,
    signal,
    timeouts: { connectMs: 5_000, idleMs: 5_000, overallMs: 120_000 },
    maxTextBytes: 1 << 20,
    scrubSecrets: false,
    spoolDir,
    events,
    progress: (event) => events.push(event),
  };
}

export async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<CollectError> {
  const error = await promise.then(
    () => assert.fail(`expected a CollectError with code ${code}`),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof CollectError, `expected a CollectError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return error;
}
