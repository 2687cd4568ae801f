/**
 * Step "apply rules and check", between collect and store: the user's backup filters and scrub rules
 * (packages/schema/src/config-rules.ts) on the collected text and its significant view, then the shrink
 * check against the previous version (`suspect_output`: nothing is stored, the previous version stays the
 * latest). With scrubbing on, what the device sent before any mask (the plugin's `originalText`, else the
 * plugin's text before the user's rules) is returned as `original` when it differs from what is stored.
 */
import { createHash } from 'node:crypto';
import { applyUserRules } from '@devicevault/schema/config-rules';
import type { Collected } from './collect-step.js';
import { textsOf } from './collected-texts.js';
import { JobFailure } from './job-failure.js';
import type { JobTarget } from './load-device.js';
import { shrinkReason } from './output-checks.js';

export type Prepared = Collected & { original?: string };

/** DEVICEVAULT_SUSPECT_SHRINK_PERCENT's default. */
export const defaultMaxShrinkPercent = 50;

export async function applyRulesAndCheck(
  deps: { maxShrinkPercent?: number },
  target: Pick<JobTarget, 'device' | 'maxShrinkPercent' | 'rules' | 'previous'>,
  collected: Collected,
): Promise<Prepared> {
  if (collected.isBinary) return collected;
  const { device } = target;
  const { originalText, ...rest } = collected;
  const { text, significant } = await textsOf(collected);
  const ruled = applyUserRules({ text, significant }, target.rules, device.scrubSecrets);

  // What the rules changed is held in memory from here on (a text is capped) and its spool file is dropped; an
  // unchanged upload keeps its file, which the store then moves.
  let prepared: Prepared = { ...rest, text, significantText: significant ?? undefined };
  if (ruled.text !== text) prepared = { ...prepared, ...measured(ruled.text), spoolPath: undefined, text: ruled.text };
  if (ruled.significant !== significant) {
    prepared = {
      ...prepared,
      significantSpoolPath: undefined,
      significantSha256: ruled.significant === null ? undefined : measured(ruled.significant).sha256,
      significantText: ruled.significant ?? undefined,
    };
  }

  const { previous } = target;
  if (previous && !previous.isBinary) {
    const limit = target.maxShrinkPercent ?? deps.maxShrinkPercent ?? defaultMaxShrinkPercent;
    // The plugin's output before the user's rules: a filter that removes much must not read as a broken device.
    const reason = shrinkReason(previous.size, collected.size, limit);
    if (reason) throw new JobFailure('suspect_output', reason);
  }

  if (device.scrubSecrets) {
    const original = originalText ?? text;
    if (original !== ruled.text) prepared = { ...prepared, original };
  }
  return prepared;
}

function measured(text: string) {
  const bytes = Buffer.from(text, 'utf8');
  return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}
