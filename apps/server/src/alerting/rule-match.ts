/** Does an alert rule match an event? Empty filter lists match everything; device-less events need none set. */
import type { AlertRuleRow } from '@devicevault/schema/db/tables';
import type { DeviceFacts } from './message.js';

/** Kinds that tell of an end rather than a condition: they notify but never open an alert. */
export const informationalKinds: ReadonlySet<string> = new Set(['DEVICE_RECOVERED']);

/** Alert kinds a DEVICE_RECOVERED event resolves. */
export const recoveredKinds = ['BACKUP_FAILED', 'DEVICE_STALE', 'HOST_KEY_CHANGED', 'SUSPECT_OUTPUT'];

export function ruleMatches(
  rule: AlertRuleRow,
  event: { kind: string; payload: Record<string, unknown> },
  device: DeviceFacts | null,
): boolean {
  if (!rule.kinds.includes(event.kind)) return false;
  if (device) {
    if (rule.deviceGroupIds.length > 0 && !rule.deviceGroupIds.includes(device.deviceGroupId ?? '')) return false;
    if (rule.collectionGroupIds.length > 0 && !rule.collectionGroupIds.includes(device.collectionGroupId ?? ''))
      return false;
    if (rule.pluginKeys.length > 0 && !rule.pluginKeys.includes(device.pluginKey)) return false;
  } else if (rule.deviceGroupIds.length + rule.collectionGroupIds.length + rule.pluginKeys.length > 0) return false;
  const failures = Number(event.payload.consecutiveFailures ?? 1);
  if (event.kind === 'BACKUP_FAILED' && failures < rule.minConsecutiveFailures) return false;
  if (event.kind === 'BACKUP_CHANGED' && rule.significantOnly && event.payload.significant === false) return false;
  return true;
}
