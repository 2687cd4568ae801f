/**
 * Step "apply rules and check", between collect and store: the user's backup filters and scrub rules
 * (packages/schema/src/config-rules.ts) on the collected text and its significant view, then the shrink
 * check against the previous version (`suspect_output`: nothing is stored, the previous version stays the
 * latest). With scrubbing on, what the device sent before any mask (the plugin's `originalText`, else the
 * plugin's text before the user's rules) is returned as `original` when it differs from what is stored.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { newSpoolPath } from '@devicevault/plugins/runtime/spool';
import { applyUserRules } from '@devicevault/schema/config-rules';
import type { Collected } from './collect-step.js';
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
  spoolDir: string,
): Promise<Prepared> {
  if (collected.isBinary) return collected;
  const { device } = target;
  const { originalText, ...rest } = collected;
  const text = collected.text ?? (await readFile(collected.spoolPath, 'utf8'));
  const significant =
    collected.significantText ??
    (collected.significantSpoolPath ? await readFile(collected.significantSpoolPath, 'utf8') : null);
  const ruled = applyUserRules({ text, significant }, target.rules, device.scrubSecrets);

  let prepared: Prepared = rest;
  if (ruled.text !== text) prepared = { ...prepared, ...(await spool(spoolDir, ruled.text, '.txt')), text: ruled.text };
  if (ruled.significant !== significant) {
    const view = ruled.significant === null ? null : await spool(spoolDir, ruled.significant, '.significant.txt');
    prepared = {
      ...prepared,
      significantSpoolPath: view?.spoolPath,
      significantSha256: view?.sha256,
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

async function spool(spoolDir: string, text: string, suffix: string) {
  const bytes = Buffer.from(text, 'utf8');
  const spoolPath = newSpoolPath(spoolDir, suffix);
  await writeFile(spoolPath, bytes, { flag: 'wx' });
  return { spoolPath, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}
