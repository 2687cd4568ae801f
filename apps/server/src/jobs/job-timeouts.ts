import type { CollectTimeouts } from '@devicevault/plugins/contract';

/** One job timeout split into connect / idle / overall, as the runner and the CLI collections use it. */
export function splitJobTimeout(timeoutMs: number): CollectTimeouts {
  return { connectMs: Math.min(timeoutMs, 15_000), idleMs: Math.min(timeoutMs, 30_000), overallMs: timeoutMs };
}
