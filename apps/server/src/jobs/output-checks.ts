/**
 * Step "check": a text output that doesn't look like a whole config fails the job as `suspect_output`
 * rather than becoming the latest version: shorter than the plugin's minimum (empty), without the plugin's
 * end marker (cut short), or shrunk by more than the allowed share since the previous version.
 */
import type { BackupPlugin } from '@devicevault/plugins/contract';

/** Why the plugin would not call this output complete, or null when it would. */
export function incompleteReason(
  plugin: Pick<BackupPlugin, 'key' | 'completeWhen' | 'minBytes'>,
  text: string,
  size: number,
): string | null {
  if (plugin.minBytes !== undefined && size < plugin.minBytes) {
    return size === 0
      ? `${plugin.key} returned an empty output`
      : `${plugin.key} returned ${size} bytes, fewer than the ${plugin.minBytes} a complete output has`;
  }
  if (plugin.completeWhen && !plugin.completeWhen.test(text)) {
    return `${plugin.key} output lacks its end marker ${plugin.completeWhen} (cut short?)`;
  }
  return null;
}

/** Why a new version shrank too much compared with the previous one (percent of its size), or null. */
export function shrinkReason(previousSize: number, size: number, maxShrinkPercent: number): string | null {
  if (previousSize <= 0 || maxShrinkPercent >= 100) return null;
  const shrunk = ((previousSize - size) / previousSize) * 100;
  if (shrunk <= maxShrinkPercent) return null;
  return (
    `the output is ${size} bytes, ${shrunk.toFixed(0)} % smaller than the previous version (${previousSize} bytes); ` +
    `more than ${maxShrinkPercent} % is treated as a broken collection (raise the collection group's limit if expected)`
  );
}
