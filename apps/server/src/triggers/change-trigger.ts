/**
 * Backups triggered by a device's change (syslog, webhook): devices are matched by the message's HOSTNAME
 * against device names (several devices may share one address behind NAT), else by source address or name
 * against device hosts; each is queued through the one enqueue with a start `debounceMs` away, and a message
 * arriving while that job waits is not queued again — it only updates who changed the device. Several
 * messages within the window → one job; durable and shared by every process (the job row is the state).
 */
import type { JobQueuePort } from '@devicevault/schema/context';
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import { sql } from 'drizzle-orm';

export interface ChangeReport {
  /** Where the message came from: an IP address (syslog source) or a host/name (webhook). */
  address: string | null;
  hostname: string | null;
  /** A device id given outright (webhook). */
  deviceId?: string;
  changedBy: string | null;
  /** For the job log and audit: "syslog 192.0.2.9", "webhook (ops-bot)". */
  source: string;
  requestedByUserId?: string | null;
  /** Only these devices may match (a webhook caller's reach); all when absent. */
  withinDeviceGroups?: readonly string[];
}

export interface ChangeTrigger {
  report(report: ChangeReport): Promise<{ deviceIds: string[]; queued: number }>;
}

export function createChangeTrigger(deps: {
  db: Database;
  enqueue: JobQueuePort['enqueue'];
  debounceMs: number;
  now?: () => Date;
}): ChangeTrigger {
  const now = deps.now ?? (() => new Date());
  return {
    async report(report) {
      const deviceIds = await matchDevices(deps.db, report);
      if (deviceIds.length === 0) return { deviceIds, queued: 0 };
      const result = await deps.enqueue({
        deviceIds,
        trigger: 'change',
        requestedBy: { userId: report.requestedByUserId ?? null, label: report.source },
        changedBy: report.changedBy,
        runAfter: new Date(now().getTime() + deps.debounceMs),
        duplicateOnlyIfQueued: true,
      });
      return { deviceIds, queued: result.queued.length };
    },
  };
}

/** Source addresses arrive IPv4-mapped on dual-stack sockets. */
export function plainAddress(address: string | null | undefined): string | null {
  if (!address) return null;
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function matchDevices(db: Database, report: ChangeReport): Promise<string[]> {
  const within = report.withinDeviceGroups
    ? sql`and device_group_id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(report.withinDeviceGroups)}::jsonb))`
    : sql``;
  const collectable = sql`enabled and archived_at is null ${within}`;
  if (report.deviceId && uuidPattern.test(report.deviceId)) {
    const byId = rowsOf<{ id: string }>(
      await db.execute(sql`select id from devices where id = ${report.deviceId}::uuid and ${collectable}`),
    );
    if (byId.length > 0) return byId.map((row) => row.id);
  }
  if (report.hostname) {
    const byName = rowsOf<{ id: string }>(
      await db.execute(sql`
        /* matchChangedDeviceByName */
        select id from devices where lower(name) = lower(${report.hostname}) and ${collectable}`),
    );
    if (byName.length > 0) return byName.map((row) => row.id);
  }
  const hosts = [plainAddress(report.address), report.hostname].filter(Boolean) as string[];
  if (hosts.length === 0) return [];
  const byHost = rowsOf<{ id: string }>(
    await db.execute(sql`
      /* matchChangedDeviceByHost */
      select id from devices
      where lower(host) in (select lower(value) from jsonb_array_elements_text(${JSON.stringify(hosts)}::jsonb))
        and ${collectable}`),
  );
  return byHost.map((row) => row.id);
}
