/**
 * Retention: deletes version rows a device's policy no longer keeps, then collects blobs no row references.
 *
 * Policy (device's, else its device group's, else the default row; none means keep everything): keepLast N
 * versions, keepDays D days, maxBytes B of distinct stored bytes per device; set limits combine (a version is
 * kept only if every limit keeps it). Versions are judged newest first and the newest is always kept, so the
 * latest successful backup survives any policy. Rows go first (one transaction per device), blobs after,
 * and only blobs no row references and older than a grace period: a crash at any point leaves every
 * referenced blob in place, and the next run collects what the crash left.
 *
 * On a git location only rows are pruned: commits stay in history (see git-backup-store.ts).
 */
import type { Database } from '@devicevault/schema/db/database';
import { rowsOf } from '@devicevault/schema/db/database';
import { backups, devices, type RetentionPolicyRow, retentionPolicies } from '@devicevault/schema/db/tables';
import { and, type Column, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { Logger } from '../log.js';
import type { GarbageReport } from '../storage/backup-store.js';
import { collectOriginalGarbage } from '../storage/original-store.js';
import type { StorageRegistry } from '../storage/storage-registry.js';

export interface PruneReport {
  rowsDeleted: number;
  blobsRemoved: number;
  bytesRemoved: number;
}

export interface PrunerHooks {
  /** Called before each unreferenced blob is removed; tests throw here to simulate a crash mid-prune. */
  beforeRemove?(ref: string): void;
}

export interface Pruner {
  start(): void;
  stop(): Promise<void>;
  /** Queues a prune of one device (after a backup); runs are serialized. */
  schedule(deviceId: string): void;
  pruneDevice(deviceId: string, now?: Date): Promise<PruneReport>;
  /** Every device, then a full garbage collection of every location. */
  pruneAll(now?: Date): Promise<PruneReport>;
  collectGarbage(): Promise<GarbageReport>;
}

type Policy = Pick<RetentionPolicyRow, 'keepLast' | 'keepDays' | 'maxBytes'>;

interface VersionFacts {
  id: string;
  createdAt: Date;
  size: number;
  storageKind: string;
  storageRef: string;
  storageLocationId: string | null;
}

/** Which versions (newest first) a policy drops. The first (newest) is never dropped. */
export function versionsToDrop(versions: VersionFacts[], policy: Policy, now: Date): string[] {
  const dropped: string[] = [];
  const cutoff = policy.keepDays == null ? null : now.getTime() - policy.keepDays * 86_400_000;
  const counted = new Set<string>();
  let bytes = 0;
  let exhausted = false;
  versions.forEach((version, index) => {
    const key = `${version.storageLocationId}|${version.storageKind}|${version.storageRef}`;
    const extra = counted.has(key) ? 0 : version.size;
    if (index > 0) {
      if (policy.keepLast != null && index >= policy.keepLast) exhausted = true;
      if (cutoff !== null && version.createdAt.getTime() < cutoff) exhausted = true;
      if (policy.maxBytes != null && bytes + extra > policy.maxBytes) exhausted = true;
    }
    // Once a version falls outside a limit, every older one does too: kept versions stay contiguous.
    if (exhausted) {
      dropped.push(version.id);
      return;
    }
    counted.add(key);
    bytes += extra;
  });
  return dropped;
}

interface PrunerDeps {
  db: Database;
  storage: StorageRegistry;
  log: Logger;
  intervalMs: number;
  /** Unreferenced blobs younger than this survive (a job may have stored one and not yet recorded its row). */
  graceMs?: number;
  hooks?: PrunerHooks;
}

type Ctx = PrunerDeps & { graceMs: number; isStopped(): boolean };

export function createPruner(deps: PrunerDeps): Pruner {
  let stopped = false;
  const ctx: Ctx = { ...deps, graceMs: deps.graceMs ?? 60 * 60 * 1000, isStopped: () => stopped };
  const pending = new Set<string>();
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  // Runs never overlap: a device pruned after a backup and the periodic full run take turns.
  function serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = chain.then(task, task);
    chain = run.catch(() => {});
    return run;
  }

  return {
    start() {
      timer = setInterval(() => {
        void serialized(() => pruneAll(ctx)).catch((error) => deps.log.error('prune failed', { error: String(error) }));
      }, deps.intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await chain;
    },
    schedule(deviceId) {
      if (stopped || pending.has(deviceId)) return;
      pending.add(deviceId);
      void serialized(async () => {
        pending.delete(deviceId);
        if (!stopped) await pruneDevice(ctx, deviceId);
      }).catch((error) => deps.log.error('prune failed', { deviceId, error: String(error) }));
    },
    pruneDevice: (deviceId, now) => serialized(() => pruneDevice(ctx, deviceId, now)),
    pruneAll: (now) => serialized(() => pruneAll(ctx, now)),
    collectGarbage: () => serialized(() => collectGarbage(ctx)),
  };
}

/**
 * The device's retention policy in one statement (it runs after every backup): its own, else its device
 * group's, else the default; null when none applies or it keeps everything.
 */
/**
 * The retention policy that applies to a device: its own, else its device group's, else the default row;
 * null when none does. A device by its row's columns, inside a statement over `devices`.
 */
export function retentionPolicyIdSql(device: { retentionPolicyId: Column; deviceGroupId: Column }): SQL<string | null> {
  return sql`coalesce(${device.retentionPolicyId},
    (select g.retention_policy_id from device_groups g where g.id = ${device.deviceGroupId}),
    (select p.id from retention_policies p where p.is_default order by p.created_at, p.id limit 1))`;
}

async function policyFor(db: Database, deviceId: string): Promise<Policy | null> {
  const [row] = await db
    .select({
      keepLast: retentionPolicies.keepLast,
      keepDays: retentionPolicies.keepDays,
      maxBytes: retentionPolicies.maxBytes,
    })
    .from(devices)
    .innerJoin(retentionPolicies, eq(retentionPolicies.id, retentionPolicyIdSql(devices)))
    .where(eq(devices.id, deviceId));
  if (!row || (row.keepLast == null && row.keepDays == null && row.maxBytes == null)) return null;
  return row;
}

/** Deletes the rows the device's policy drops (one transaction) and returns them. */
async function pruneRows(ctx: Ctx, deviceId: string, now: Date): Promise<VersionFacts[]> {
  const policy = await policyFor(ctx.db, deviceId);
  if (!policy) return [];
  const versions = await ctx.db
    .select({
      id: backups.id,
      createdAt: backups.createdAt,
      size: backups.size,
      storageKind: backups.storageKind,
      storageRef: backups.storageRef,
      storageLocationId: backups.storageLocationId,
    })
    .from(backups)
    .where(eq(backups.deviceId, deviceId))
    .orderBy(sql`${backups.createdAt} desc nulls last`, sql`${backups.id} desc nulls last`);
  const drop = new Set(versionsToDrop(versions, policy, now));
  if (drop.size === 0) return [];
  const ids = [...drop];
  await ctx.db.transaction(async (tx) => {
    for (let i = 0; i < ids.length; i += 1000)
      await tx.delete(backups).where(inArray(backups.id, ids.slice(i, i + 1000)));
  });
  ctx.log.info('pruned versions', { deviceId, rows: ids.length });
  return versions.filter((version) => drop.has(version.id));
}

/** Removes the blobs of just-deleted rows that nothing references any more (without walking the store). */
async function collectCandidates(ctx: Ctx, removed: VersionFacts[]): Promise<GarbageReport> {
  const report: GarbageReport = { removed: 0, bytes: 0 };
  const byLocation = new Map<string | null, Set<string>>();
  for (const version of removed) {
    if (version.storageKind !== 'fs') continue;
    const refs = byLocation.get(version.storageLocationId) ?? new Set<string>();
    refs.add(version.storageRef);
    byLocation.set(version.storageLocationId, refs);
  }
  for (const [locationId, refs] of byLocation) {
    const referenced = await referencedRefs(ctx.db, locationId, 'fs', [...refs]);
    const store = await ctx.storage.forLocation(locationId);
    const result = await store.collectGarbage(guard(ctx, referenced), ctx.graceMs, [...refs]);
    report.removed += result.removed;
    report.bytes += result.bytes;
  }
  return report;
}

function guard(ctx: Ctx, referenced: Set<string>) {
  return (ref: string) => {
    if (referenced.has(ref)) return true;
    ctx.hooks?.beforeRemove?.(ref);
    return false;
  };
}

async function referencedRefs(
  db: Database,
  locationId: string | null,
  kind: string,
  only?: string[],
): Promise<Set<string>> {
  const rows = await db
    .selectDistinct({ ref: backups.storageRef })
    .from(backups)
    .where(
      and(
        locationId === null ? isNull(backups.storageLocationId) : eq(backups.storageLocationId, locationId),
        eq(backups.storageKind, kind),
        only ? inArray(backups.storageRef, only) : undefined,
      ),
    );
  return new Set(rows.map((row) => row.ref));
}

/** Every unreferenced blob (past the grace period) of every filesystem location, and unreferenced texts. */
async function collectGarbage(ctx: Ctx): Promise<GarbageReport> {
  const report: GarbageReport = { removed: 0, bytes: 0 };
  for (const { locationId, store } of await ctx.storage.allLocations()) {
    if (store.kind !== 'fs') continue;
    const referenced = await referencedRefs(ctx.db, locationId, store.kind);
    const result = await store.collectGarbage(guard(ctx, referenced), ctx.graceMs);
    report.removed += result.removed;
    report.bytes += result.bytes;
  }
  // Restorable originals of versions that are gone: retention covers them too.
  const originals = await collectOriginalGarbage(ctx, ctx.graceMs);
  report.removed += originals.removed;
  report.bytes += originals.bytes;
  await ctx.db.execute(sql`
    /* collectTextContents */
    delete from text_contents t
    where t.created_at < now() - (${ctx.graceMs} * interval '1 millisecond')
      and not exists (select 1 from backups b where b.sha256 = t.sha256)
      and not exists (select 1 from backups b where b.significant_sha256 = t.sha256)`);
  if (report.removed > 0) ctx.log.info('collected unreferenced blobs', { ...report });
  return report;
}

async function pruneDevice(ctx: Ctx, deviceId: string, now = new Date()): Promise<PruneReport> {
  const removed = await pruneRows(ctx, deviceId, now);
  const garbage = await collectCandidates(ctx, removed);
  return { rowsDeleted: removed.length, blobsRemoved: garbage.removed, bytesRemoved: garbage.bytes };
}

async function pruneAll(ctx: Ctx, now = new Date()): Promise<PruneReport> {
  const report: PruneReport = { rowsDeleted: 0, blobsRemoved: 0, bytesRemoved: 0 };
  const rows = rowsOf<{ device_id: string }>(
    await ctx.db.execute(sql`/* devicesWithVersions */ select distinct device_id from backups`),
  );
  for (const { device_id } of rows) {
    if (ctx.isStopped()) break;
    report.rowsDeleted += (await pruneRows(ctx, device_id, now)).length;
  }
  const garbage = await collectGarbage(ctx);
  report.blobsRemoved = garbage.removed;
  report.bytesRemoved = garbage.bytes;
  return report;
}
