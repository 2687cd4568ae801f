/**
 * The database reads behind the Oxidized-compatible API: nodes with their last job and last change, one
 * node by name (or address, as Oxidized's `find_index` does), a page of versions by keyset on
 * backups (device_id, created_at desc, id desc), and the latest text of readable devices for conf_search.
 * Every read is limited to the devices the caller may read.
 */
import { findPluginSummary } from '@devicevault/plugins/catalog';
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import { type BackupRow, backups } from '@devicevault/schema/db/tables';
import type { Viewer } from '@devicevault/schema/policy';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { NodeFacts } from './oxidized-format.js';

export interface NodeRow extends NodeFacts {
  deviceId: string;
  deviceGroupId: string | null;
}

interface RawNode {
  device_id: string;
  name: string;
  host: string;
  plugin_key: string;
  device_group_id: string | null;
  group_name: string | null;
  job_status: string | null;
  job_error_code: string | null;
  job_started_at: string | Date | null;
  job_created_at: string | Date | null;
  job_finished_at: string | Date | null;
  last_change_at: string | Date | null;
}

// Matches the (device_id, created_at DESC NULLS LAST, id DESC NULLS LAST) index, so a page is one range scan.
const newestFirst = [sql`${backups.createdAt} desc nulls last`, sql`${backups.id} desc nulls last`];

const asDate = (value: string | Date | null) => (value === null ? null : new Date(value));

/** Devices the viewer may read, as SQL over alias `d`. */
function readable(viewer: Viewer): SQL {
  if (viewer.role === 'admin') return sql`true`;
  const groups = [...viewer.deviceGroupIds];
  if (groups.length === 0) return sql`false`;
  return sql`d.device_group_id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(groups)}::jsonb))`;
}

function toNode(row: RawNode): NodeRow {
  const finishedAt = asDate(row.job_finished_at);
  return {
    deviceId: row.device_id,
    deviceGroupId: row.device_group_id,
    name: row.name,
    host: row.host,
    groupName: row.group_name,
    pluginKey: row.plugin_key,
    oxidizedModel: findPluginSummary(row.plugin_key)?.oxidizedModel,
    lastJob:
      row.job_status && finishedAt
        ? {
            status: row.job_status,
            errorCode: row.job_error_code,
            startedAt: asDate(row.job_started_at),
            createdAt: asDate(row.job_created_at)!,
            finishedAt,
          }
        : null,
    lastChangeAt: asDate(row.last_change_at),
  };
}

async function selectNodes(db: Database, where: SQL): Promise<NodeRow[]> {
  const rows = rowsOf<RawNode>(
    await db.execute(sql`
      /* oxidizedNodes */
      select d.id as device_id, d.name, d.host, d.plugin_key, d.device_group_id, g.name as group_name,
        j.status as job_status, j.error_code as job_error_code, j.started_at as job_started_at,
        j.created_at as job_created_at, j.finished_at as job_finished_at, b.created_at as last_change_at
      from devices d
      left join device_groups g on g.id = d.device_group_id
      left join lateral (
        select status, error_code, started_at, created_at, finished_at from jobs
        where device_id = d.id and status in ('succeeded', 'failed')
        order by created_at desc nulls last limit 1) j on true
      left join lateral (
        select created_at from backups where device_id = d.id and changed
        order by created_at desc nulls last, id desc nulls last limit 1) b on true
      where ${where}
      order by d.name`),
  );
  return rows.map(toNode);
}

/** Every readable, unarchived device (Oxidized's node list). */
export function listNodes(db: Database, viewer: Viewer): Promise<NodeRow[]> {
  return selectNodes(db, sql`d.archived_at is null and ${readable(viewer)}`);
}

/** One readable node by name, else by address (`Nodes#find_index` matches either); null when hidden or missing. */
export async function findNode(db: Database, viewer: Viewer, name: string): Promise<NodeRow | null> {
  const [byName] = await selectNodes(db, sql`d.name = ${name} and ${readable(viewer)}`);
  if (byName) return byName;
  const [byHost] = await selectNodes(db, sql`d.host = ${name} and d.archived_at is null and ${readable(viewer)}`);
  return byHost ?? null;
}

export interface VersionEntry {
  id: string;
  createdAt: Date;
  changedBy: string | null;
}

/**
 * The newest changed text versions of a device, newest first (a git output lists only commits that changed
 * the file), `limit` at a time, older than `before` when given. One index range scan, however long the history.
 */
export async function listVersions(
  db: Database,
  deviceId: string,
  options: { limit: number; before: BackupRow | null },
): Promise<VersionEntry[]> {
  const older = options.before
    ? sql`(${backups.createdAt}, ${backups.id}) < (${options.before.createdAt.toISOString()}::timestamptz, ${options.before.id}::uuid)`
    : undefined;
  return db
    .select({ id: backups.id, createdAt: backups.createdAt, changedBy: backups.changedBy })
    .from(backups)
    .where(and(eq(backups.deviceId, deviceId), eq(backups.changed, true), older))
    .orderBy(...newestFirst)
    .limit(options.limit);
}

/** A version of this device by id (the `oid` we hand out); null when it isn't one. */
export async function findVersion(db: Database, deviceId: string, oid: string): Promise<BackupRow | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(oid)) return null;
  const [row] = await db
    .select()
    .from(backups)
    .where(and(eq(backups.id, oid), eq(backups.deviceId, deviceId)));
  return row ?? null;
}

/** The device's newest version (any, changed or not: it holds the current bytes). */
export async function latestVersion(db: Database, deviceId: string): Promise<BackupRow | null> {
  const [row] = await db
    .select()
    .from(backups)
    .where(eq(backups.deviceId, deviceId))
    .orderBy(...newestFirst)
    .limit(1);
  return row ?? null;
}

/** The changed version before `version` (what a commit's parent held). */
export async function previousVersion(db: Database, version: BackupRow): Promise<BackupRow | null> {
  const [row] = await db
    .select()
    .from(backups)
    .where(
      and(
        eq(backups.deviceId, version.deviceId),
        eq(backups.changed, true),
        sql`(${backups.createdAt}, ${backups.id}) < (${version.createdAt.toISOString()}::timestamptz, ${version.id}::uuid)`,
      ),
    )
    .orderBy(...newestFirst)
    .limit(1);
  return row ?? null;
}

/**
 * Readable, unarchived devices whose latest text version matches a regular expression (PostgreSQL ARE,
 * newline-sensitive like Ruby's `^`/`$`); 'invalid' when the database refuses the pattern.
 */
export async function searchLatestConfigs(
  db: Database,
  viewer: Viewer,
  pattern: string,
): Promise<{ name: string; groupName: string | null }[] | 'invalid'> {
  const regex = `(?n)${pattern}`;
  try {
    await db.execute(sql`/* oxidizedCheckRegex */ select '' ~ ${regex}`);
  } catch {
    return 'invalid';
  }
  return rowsOf<{ name: string; groupName: string | null }>(
    await db.execute(sql`
      /* oxidizedConfSearch */
      select d.name, g.name as "groupName"
      from devices d
      left join device_groups g on g.id = d.device_group_id
      join lateral (
        select sha256, is_binary from backups where device_id = d.id
        order by created_at desc nulls last, id desc nulls last limit 1) v on not v.is_binary
      join text_contents t on t.sha256 = v.sha256
      where d.archived_at is null and ${readable(viewer)} and t.content ~ ${regex}
      order by d.name`),
  );
}
