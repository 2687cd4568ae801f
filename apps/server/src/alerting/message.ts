/**
 * The message a notification carries, rendered once when it is queued (so a retry a day later sends what was
 * true then): the event id first (receivers de-duplicate by it), kind, device, group, times, the event's
 * facts and, for changes, a short unified diff of the stored versions, which are already masked when the
 * device scrubs secrets.
 */
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import type { AlertRow, EventRow } from '@devicevault/schema/db/tables';
import { diffTexts } from '@devicevault/schema/text-diff';
import { sql } from 'drizzle-orm';

export type Purpose = 'alert' | 'resolved' | 'delivery_failing' | 'test';

export interface NotificationMessage {
  /** The event's id: the same event reaches a receiver at least once; de-duplicate by it. */
  id: string;
  kind: string;
  purpose: Purpose;
  summary: string;
  occurredAt: string;
  device: { id: string; name: string; host: string } | null;
  group: { id: string; name: string } | null;
  alert: { id: string; state: string; ruleId: string; ruleName: string; openedAt: string; occurrences: number } | null;
  details: Record<string, unknown>;
  diff: { added: number; removed: number; unified: string; truncated: boolean } | null;
  links: { device?: string; diff?: string };
}

/** Lines of unified diff a message carries at most (the link shows the rest). */
const maxDiffLines = 200;

export interface DeviceFacts {
  id: string;
  name: string;
  host: string;
  deviceGroupId: string | null;
  collectionGroupId: string | null;
  pluginKey: string;
  groupName: string | null;
}

export async function loadDeviceFacts(db: Database, ids: string[]): Promise<Map<string, DeviceFacts>> {
  if (ids.length === 0) return new Map();
  const rows = rowsOf<DeviceFacts>(
    await db.execute(sql`
      /* alertDeviceFacts */
      select d.id, d.name, d.host, d.device_group_id as "deviceGroupId", d.collection_group_id as "collectionGroupId",
        d.plugin_key as "pluginKey", g.name as "groupName"
      from devices d left join device_groups g on g.id = d.device_group_id
      where d.id in (${sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`),
  );
  return new Map(rows.map((row) => [row.id, row]));
}

export async function renderMessage(
  db: Database,
  input: {
    event: EventRow;
    purpose: Purpose;
    device: DeviceFacts | null;
    alert: (AlertRow & { ruleName: string }) | null;
    dashboardUrl: string;
  },
): Promise<NotificationMessage> {
  const { event, device, alert, purpose } = input;
  const details = event.payload;
  const diff = event.kind === 'BACKUP_CHANGED' && purpose === 'alert' ? await changeDiff(db, details) : null;
  const links: NotificationMessage['links'] = {};
  if (device) links.device = `${input.dashboardUrl}/devices/${device.id}`;
  if (typeof details.previousBackupId === 'string' && typeof details.backupId === 'string')
    links.diff = `${input.dashboardUrl}/compare?from=${details.previousBackupId}&to=${details.backupId}`;
  return {
    id: event.id,
    kind: event.kind,
    purpose,
    summary: summarize(event, device, purpose),
    occurredAt: event.createdAt.toISOString(),
    device: device ? { id: device.id, name: device.name, host: device.host } : null,
    group: device?.deviceGroupId ? { id: device.deviceGroupId, name: device.groupName ?? '' } : null,
    alert: alert
      ? {
          id: alert.id,
          state: alert.state,
          ruleId: alert.ruleId,
          ruleName: alert.ruleName,
          openedAt: alert.createdAt.toISOString(),
          occurrences: alert.occurrences,
        }
      : null,
    details,
    diff,
    links,
  };
}

function summarize(event: EventRow, device: DeviceFacts | null, purpose: Purpose): string {
  const name = device?.name ?? 'DeviceVault';
  const p = event.payload;
  if (purpose === 'resolved') return `${name} recovered: backups succeed again`;
  switch (event.kind) {
    case 'BACKUP_FAILED':
      return `${name}: backup failed (${p.code}: ${p.message}); ${p.consecutiveFailures ?? 1} consecutive failure(s)`;
    case 'BACKUP_CHANGED':
      return `${name}: configuration changed (+${p.added ?? '?'} −${p.removed ?? '?'})${p.changedBy ? ` by ${p.changedBy}` : ''}`;
    case 'HOST_KEY_CHANGED':
      return `${name}: the SSH host key changed (${p.message})`;
    case 'SUSPECT_OUTPUT':
      return `${name}: suspect output, nothing stored (${p.message})`;
    case 'DEVICE_STALE':
      return `${name}: no successful backup within its freshness threshold`;
    case 'DEVICE_RECOVERED':
      return `${name} recovered: backups succeed again`;
    case 'DELIVERY_FAILING':
      return `Notification channel ${p.channelName ?? p.channelId} keeps failing: ${p.lastError ?? 'no answer'}`;
    default:
      return `${name}: ${event.kind}`;
  }
}

async function changeDiff(db: Database, details: Record<string, unknown>): Promise<NotificationMessage['diff']> {
  if (typeof details.previousBackupId !== 'string' || typeof details.backupId !== 'string') return null;
  const texts = rowsOf<{ id: string; content: string | null }>(
    await db.execute(sql`
      /* changeDiffTexts */
      select b.id, t.content from backups b left join text_contents t on t.sha256 = b.sha256
      where b.id in (${details.previousBackupId}::uuid, ${details.backupId}::uuid) and not b.is_binary`),
  );
  const before = texts.find((row) => row.id === details.previousBackupId)?.content;
  const after = texts.find((row) => row.id === details.backupId)?.content;
  if (before == null || after == null) return null;
  const diff = diffTexts(before, after, { oldLabel: 'previous', newLabel: 'new' });
  const lines = diff.unified.split('\n');
  const truncated = lines.length > maxDiffLines;
  const unified = truncated ? `${lines.slice(0, maxDiffLines).join('\n')}\n… (truncated)\n` : diff.unified;
  return { added: diff.added, removed: diff.removed, unified, truncated };
}
