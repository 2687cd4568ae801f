/** Plain text of one or more messages (e-mail bodies, Slack text): summary, facts, links, then the diff. */
import type { NotificationMessage } from '../message.js';

export function plainText(messages: NotificationMessage[]): string {
  return messages.map(oneMessage).join('\n\n----------------------------------------\n\n');
}

function oneMessage(message: NotificationMessage): string {
  const lines = [message.summary, ''];
  lines.push(`Event:     ${message.kind} (${message.id})`);
  lines.push(`When:      ${message.occurredAt}`);
  if (message.device) lines.push(`Device:    ${message.device.name} (${message.device.host})`);
  if (message.group) lines.push(`Group:     ${message.group.name}`);
  if (message.alert)
    lines.push(`Alert:     ${message.alert.state} since ${message.alert.openedAt} (rule ${message.alert.ruleName})`);
  const changedBy = message.details.changedBy;
  if (typeof changedBy === 'string') lines.push(`Changed by: ${changedBy}`);
  if (message.links.device) lines.push(`Device:    ${message.links.device}`);
  if (message.links.diff) lines.push(`Diff:      ${message.links.diff}`);
  if (message.diff)
    lines.push('', `Changes (+${message.diff.added} −${message.diff.removed}):`, '', message.diff.unified);
  return lines.join('\n');
}

export function subjectOf(messages: NotificationMessage[]): string {
  if (messages.length === 1) return `[DeviceVault] ${messages[0]!.summary}`;
  return `[DeviceVault] ${messages.length} alerts: ${messages
    .map((message) => message.device?.name ?? message.kind)
    .slice(0, 5)
    .join(', ')}`;
}
