/**
 * `syncInventorySource(id, dryRun)`: read the whole source first (any failure: nothing changes, the run says
 * why), plan against the devices this source manages, then apply the plan in one transaction: create new
 * devices (and missing device/collection groups), update host, plugin, port and groups of changed ones,
 * archive those that left the source (never delete: their history stays) and unarchive returning ones.
 * Devices edited by hand (`manual_override_at`) are not changed; the report lists them as skipped. Each run
 * is a row with its report, and an audit entry.
 */
import { findPluginForOxidizedModel, findPluginSummary } from '@devicevault/plugins/catalog';
import type { AuditPort } from '@devicevault/schema/context';
import type { Database } from '@devicevault/schema/db/database';
import {
  collectionGroups,
  type DeviceRow,
  deviceGroups,
  devices,
  type InventorySourceRow,
  type InventorySyncRunRow,
  inventorySources,
  inventorySyncRuns,
} from '@devicevault/schema/db/tables';
import { and, eq, inArray, isNull, ne, or } from 'drizzle-orm';
import { readCsv } from './csv-source.js';
import { readHttpJson } from './http-source.js';
import {
  type InventoryRecord,
  type InventorySecret,
  type InventorySettings,
  InventorySourceError,
} from './inventory-records.js';
import { readNetbox } from './netbox-source.js';

export interface SyncDeps {
  db: Database;
  decrypt(ciphertext: string): string;
  audit: AuditPort;
}

interface Change {
  name: string;
  changes: Record<string, { from: unknown; to: unknown }>;
}

export interface SyncReport {
  created: string[];
  updated: Change[];
  archived: string[];
  skipped: { name: string; reason: string }[];
  /** Groups the sync creates (or, in a dry run, would create). */
  groupsCreated: string[];
}

interface Planned {
  report: SyncReport;
  creates: { record: InventoryRecord; pluginKey: string }[];
  updates: { device: DeviceRow; record: InventoryRecord; pluginKey: string }[];
  archives: DeviceRow[];
}

/** Fetches every record of the source; throws InventorySourceError when it can't. */
export async function readSource(source: InventorySourceRow, decrypt: (ciphertext: string) => string) {
  const settings = source.settings as InventorySettings;
  let secret: InventorySecret = {};
  if (source.secretCiphertext) secret = JSON.parse(decrypt(source.secretCiphertext)) as InventorySecret;
  const timeoutMs = Math.max(1, settings.timeoutSeconds ?? 30) * 1000;
  if (source.kind === 'netbox') return readNetbox(source.url, settings, secret, timeoutMs);
  if (source.kind === 'http') return readHttpJson(source.url, settings, secret, timeoutMs);
  return readCsv(source.url, secret, timeoutMs);
}

function pluginFor(record: InventoryRecord, settings: InventorySettings): string | null {
  const platform = record.platform;
  if (platform) {
    const mapped = settings.platformMap?.[platform];
    if (mapped && findPluginSummary(mapped)) return mapped;
    if (findPluginSummary(platform)) return platform;
    const byModel = findPluginForOxidizedModel(platform);
    if (byModel) return byModel.key;
  }
  return settings.defaultPluginKey && findPluginSummary(settings.defaultPluginKey) ? settings.defaultPluginKey : null;
}

async function plan(db: Database, source: InventorySourceRow, records: InventoryRecord[]): Promise<Planned> {
  const settings = source.settings as InventorySettings;
  const managed = await db.select().from(devices).where(eq(devices.inventorySourceId, source.id));
  const byKey = new Map(managed.map((device) => [device.inventoryKey ?? '', device]));
  const names = records.map((record) => record.name).filter(Boolean);
  const foreign = new Set(
    names.length
      ? (
          await db
            .select({ name: devices.name })
            .from(devices)
            .where(
              and(
                inArray(devices.name, names),
                or(ne(devices.inventorySourceId, source.id), isNull(devices.inventorySourceId)),
              ),
            )
        ).map((row) => row.name)
      : [],
  );
  const groups = await groupIds(db);
  const report: SyncReport = { created: [], updated: [], archived: [], skipped: [], groupsCreated: [] };
  const planned: Planned = { report, creates: [], updates: [], archives: [] };
  const seen = new Set<string>();
  const newGroups = new Set<string>();
  for (const record of records) {
    const label = record.name || `(key ${record.key})`;
    if (seen.has(record.key)) {
      report.skipped.push({ name: label, reason: `the source lists key ${record.key} twice` });
      continue;
    }
    seen.add(record.key);
    if (!record.name) {
      report.skipped.push({ name: label, reason: 'no name' });
      continue;
    }
    if (!record.host) {
      report.skipped.push({ name: label, reason: 'no address (NetBox: no primary IP)' });
      continue;
    }
    const pluginKey = pluginFor(record, settings);
    if (!pluginKey) {
      report.skipped.push({
        name: label,
        reason: `platform "${record.platform ?? ''}" maps to no plugin (add it to the source's platformMap)`,
      });
      continue;
    }
    if (record.deviceGroup && !groups.device.has(record.deviceGroup)) newGroups.add(`device:${record.deviceGroup}`);
    if (record.collectionGroup && !groups.collection.has(record.collectionGroup))
      newGroups.add(`collection:${record.collectionGroup}`);
    const device = byKey.get(record.key);
    if (!device) {
      if (foreign.has(record.name)) {
        report.skipped.push({ name: label, reason: 'a device of this name exists that this source does not manage' });
        continue;
      }
      planned.creates.push({ record, pluginKey });
      report.created.push(record.name);
      continue;
    }
    const changes = differences(device, record, pluginKey, groups);
    if (Object.keys(changes).length === 0) continue;
    if (device.manualOverrideAt && !(Object.keys(changes).length === 1 && changes.archived)) {
      report.skipped.push({ name: device.name, reason: 'edited by hand: the source’s values are not applied' });
      continue;
    }
    planned.updates.push({ device, record, pluginKey });
    report.updated.push({ name: device.name, changes });
  }
  for (const device of managed) {
    if (seen.has(device.inventoryKey ?? '') || device.archivedAt) continue;
    planned.archives.push(device);
    report.archived.push(device.name);
  }
  report.groupsCreated = [...newGroups].sort();
  return planned;
}

function differences(
  device: DeviceRow,
  record: InventoryRecord,
  pluginKey: string,
  groups: { device: Map<string, string>; collection: Map<string, string> },
): Change['changes'] {
  const changes: Change['changes'] = {};
  if (device.archivedAt) changes.archived = { from: true, to: false };
  if (device.name !== record.name) changes.name = { from: device.name, to: record.name };
  if (device.host !== record.host) changes.host = { from: device.host, to: record.host };
  if (device.pluginKey !== pluginKey) changes.pluginKey = { from: device.pluginKey, to: pluginKey };
  if (record.port !== null && device.port !== record.port) changes.port = { from: device.port, to: record.port };
  const deviceGroupId = record.deviceGroup
    ? (groups.device.get(record.deviceGroup) ?? `new:${record.deviceGroup}`)
    : null;
  if (record.deviceGroup && device.deviceGroupId !== deviceGroupId)
    changes.deviceGroup = { from: device.deviceGroupId, to: record.deviceGroup };
  const collectionGroupId = record.collectionGroup
    ? (groups.collection.get(record.collectionGroup) ?? `new:${record.collectionGroup}`)
    : null;
  if (record.collectionGroup && device.collectionGroupId !== collectionGroupId)
    changes.collectionGroup = { from: device.collectionGroupId, to: record.collectionGroup };
  return changes;
}

async function groupIds(db: Database) {
  const [deviceRows, collectionRows] = await Promise.all([
    db.select({ id: deviceGroups.id, name: deviceGroups.name }).from(deviceGroups),
    db.select({ id: collectionGroups.id, name: collectionGroups.name }).from(collectionGroups),
  ]);
  return {
    device: new Map(deviceRows.map((row) => [row.name, row.id])),
    collection: new Map(collectionRows.map((row) => [row.name, row.id])),
  };
}

/** Writes the plan in one transaction (groups first, then devices in batches). */
async function apply(db: Database, source: InventorySourceRow, planned: Planned): Promise<void> {
  const settings = source.settings as InventorySettings;
  await db.transaction(async (tx) => {
    const wantedDevice = new Set<string>();
    const wantedCollection = new Set<string>();
    for (const { record } of [...planned.creates, ...planned.updates]) {
      if (record.deviceGroup) wantedDevice.add(record.deviceGroup);
      if (record.collectionGroup) wantedCollection.add(record.collectionGroup);
    }
    if (wantedDevice.size)
      await tx
        .insert(deviceGroups)
        .values([...wantedDevice].map((name) => ({ name, description: `created by inventory source ${source.name}` })))
        .onConflictDoNothing();
    if (wantedCollection.size)
      await tx
        .insert(collectionGroups)
        .values([...wantedCollection].map((name) => ({ name })))
        .onConflictDoNothing();
    const groups = await groupIds(tx);
    const now = new Date();
    const values = planned.creates.map(({ record, pluginKey }) => ({
      name: record.name,
      host: record.host,
      port: record.port ?? 22,
      pluginKey,
      credentialId: settings.credentialId ?? null,
      deviceGroupId: record.deviceGroup ? (groups.device.get(record.deviceGroup) ?? null) : null,
      collectionGroupId: record.collectionGroup ? (groups.collection.get(record.collectionGroup) ?? null) : null,
      inventorySourceId: source.id,
      inventoryKey: record.key,
    }));
    for (let i = 0; i < values.length; i += 500) await tx.insert(devices).values(values.slice(i, i + 500));
    for (const { device, record, pluginKey } of planned.updates) {
      await tx
        .update(devices)
        .set({
          name: record.name,
          host: record.host,
          pluginKey,
          ...(record.port !== null ? { port: record.port } : {}),
          ...(record.deviceGroup ? { deviceGroupId: groups.device.get(record.deviceGroup) ?? null } : {}),
          ...(record.collectionGroup
            ? { collectionGroupId: groups.collection.get(record.collectionGroup) ?? null }
            : {}),
          // A moved device must not keep the host key pinned for its old address.
          ...(record.host !== device.host ? { hostKeyFingerprint: null } : {}),
          archivedAt: null,
          updatedAt: now,
        })
        .where(eq(devices.id, device.id));
    }
    const archiveIds = planned.archives.map((device) => device.id);
    for (let i = 0; i < archiveIds.length; i += 500)
      await tx
        .update(devices)
        .set({ archivedAt: now, updatedAt: now })
        .where(inArray(devices.id, archiveIds.slice(i, i + 500)));
  });
}

export async function syncInventorySource(
  deps: SyncDeps,
  sourceId: string,
  options: { dryRun: boolean; requestedBy: string },
): Promise<InventorySyncRunRow | null> {
  const [source] = await deps.db.select().from(inventorySources).where(eq(inventorySources.id, sourceId));
  if (!source) return null;
  const startedAt = new Date();
  let report: SyncReport | null = null;
  let error: string | null = null;
  try {
    const records = await readSource(source, deps.decrypt);
    const planned = await plan(deps.db, source, records);
    if (!options.dryRun) await apply(deps.db, source, planned);
    report = planned.report;
  } catch (caught) {
    error =
      caught instanceof InventorySourceError ? caught.message : `the sync failed: ${String(caught).slice(0, 500)}`;
  }
  const [run] = await deps.db
    .insert(inventorySyncRuns)
    .values({
      sourceId,
      dryRun: options.dryRun,
      status: error ? 'failed' : 'succeeded',
      error,
      created: report?.created.length ?? 0,
      updated: report?.updated.length ?? 0,
      archived: report?.archived.length ?? 0,
      skipped: report?.skipped.length ?? 0,
      report: (report ?? {}) as Record<string, unknown>,
      requestedBy: options.requestedBy,
      startedAt,
    })
    .returning();
  await deps.db
    .update(inventorySources)
    .set({ lastRunAt: startedAt, lastStatus: error ? 'failed' : 'succeeded', lastError: error })
    .where(eq(inventorySources.id, sourceId));
  await deps.audit.record({
    action: options.dryRun ? 'inventory.sync.dry_run' : 'inventory.sync',
    outcome: error ? 'failure' : 'success',
    actorLabel: options.requestedBy,
    targetType: 'inventory_source',
    targetId: sourceId,
    details: {
      runId: run!.id,
      ...(error
        ? { error }
        : { created: run!.created, updated: run!.updated, archived: run!.archived, skipped: run!.skipped }),
    },
  });
  return run!;
}
