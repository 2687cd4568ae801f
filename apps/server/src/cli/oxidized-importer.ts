/**
 * Imports Oxidized's git output: every node's history becomes a device (created disabled, with a plugin
 * to configure before collecting) and one version per commit that changed its file, with the commit's
 * original time. Handles one repository (files at the top, or `<group>/<node>` with `single_repo`) and a
 * directory of per-group repositories (`<group>.git`). Idempotent: a version already imported (same
 * device, time and sha256) is skipped, so running it twice imports each version once.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Database } from '@devicevault/schema/db/database';
import { backups, type DeviceRow, deviceGroups, devices } from '@devicevault/schema/db/tables';
import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from '../log.js';
import { git, streamBlob } from '../storage/git-cli.js';
import { recordVersion } from '../storage/record-version.js';
import type { StorageRegistry } from '../storage/storage-registry.js';
import { type OxidizedNode, pluginKeyForNode } from './oxidized-router-db.js';

export interface ImportReport {
  repositories: number;
  devicesCreated: number;
  versionsImported: number;
  versionsSkipped: number;
  /** Devices given the plugin of their Oxidized model (new ones, and earlier imports still on `noop`). */
  devicesMapped: number;
  /** Models named in router.db that no plugin reproduces; those devices keep the default plugin. */
  unknownModels: string[];
}

interface FileVersion {
  commit: string;
  time: Date;
  path: string;
  blob: string;
}

export async function importOxidized(deps: {
  db: Database;
  storage: StorageRegistry;
  path: string;
  spoolDir: string;
  /** Plugin key given to created devices whose model has no plugin (they are created disabled). */
  pluginKey?: string;
  /** Nodes of Oxidized's router.db by name: their model picks the plugin, their `ip` the host. */
  nodes?: ReadonlyMap<string, OxidizedNode>;
  log?: Logger;
}): Promise<ImportReport> {
  const report: ImportReport = {
    repositories: 0,
    devicesCreated: 0,
    versionsImported: 0,
    versionsSkipped: 0,
    devicesMapped: 0,
    unknownModels: [],
  };
  const unknownModels = new Set<string>();
  const repositories = await findRepositories(deps.path);
  if (repositories.length === 0) throw new Error(`no git repository found at ${deps.path}`);
  await mkdir(deps.spoolDir, { recursive: true });
  for (const repo of repositories) {
    report.repositories += 1;
    const history = await fileHistory(repo.gitDir);
    for (const version of history) {
      const group = dirname(version.path) === '.' ? repo.group : dirname(version.path);
      const node = basename(version.path);
      const oxidizedNode = deps.nodes?.get(node);
      const mappedKey = pluginKeyForNode(oxidizedNode);
      if (oxidizedNode?.model && !mappedKey) unknownModels.add(oxidizedNode.model);
      const { device, created, mapped } = await ensureDevice(
        deps.db,
        node,
        group,
        deps.pluginKey ?? 'noop',
        oxidizedNode,
        mappedKey,
      );
      if (created) report.devicesCreated += 1;
      if (mapped) report.devicesMapped += 1;
      const imported = await importVersion(deps, repo.gitDir, device, version);
      if (imported) report.versionsImported += 1;
      else report.versionsSkipped += 1;
    }
    deps.log?.info('imported oxidized repository', { gitDir: repo.gitDir, ...report });
  }
  report.unknownModels = [...unknownModels].sort();
  return report;
}

/** The path itself when it is a repository, else every repository directly inside it (per-group layout). */
async function findRepositories(path: string): Promise<{ gitDir: string; group: string | null }[]> {
  const own = await gitDirOf(path);
  if (own) return [{ gitDir: own, group: null }];
  const found: { gitDir: string; group: string | null }[] = [];
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    const gitDir = await gitDirOf(join(path, entry.name));
    if (gitDir) found.push({ gitDir, group: entry.name.replace(/\.git$/, '') });
  }
  return found;
}

async function gitDirOf(path: string): Promise<string | null> {
  for (const candidate of [join(path, '.git'), path]) {
    try {
      await access(join(candidate, 'HEAD'));
      await access(join(candidate, 'objects'));
      return candidate;
    } catch {}
  }
  return null;
}

/** Every added or modified file of every commit on HEAD, oldest first (one `git log` for the whole history). */
async function fileHistory(gitDir: string): Promise<FileVersion[]> {
  const head = await git(gitDir, ['rev-parse', '--verify', '--quiet', 'HEAD'], { okCodes: [1] });
  if (!head.stdout.trim()) return [];
  const { stdout } = await git(gitDir, [
    'log',
    '--reverse',
    '--no-renames',
    '--raw',
    '--no-abbrev',
    '--format=%x01%H %ct',
    '-z',
    'HEAD',
  ]);
  const tokens = stdout.split('\0');
  const versions: FileVersion[] = [];
  let commit = '';
  let time = new Date(0);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!.replace(/^\n/, '');
    if (token.startsWith('\x01')) {
      const [hash, seconds] = token.slice(1).split(' ');
      commit = hash!;
      time = new Date(Number(seconds) * 1000);
    } else if (token.startsWith(':')) {
      const [, , , blob, status] = token.slice(1).split(' ');
      const path = tokens[++i]!;
      // Added or modified regular files; deletions and symlinks/submodules have no version to import.
      if ((status === 'A' || status === 'M') && token.slice(1).split(' ')[1]!.startsWith('100'))
        versions.push({ commit, time, path, blob: blob! });
    }
  }
  return versions;
}

async function ensureDevice(
  db: Database,
  node: string,
  group: string | null,
  defaultPluginKey: string,
  oxidizedNode: OxidizedNode | undefined,
  mappedKey: string | null,
): Promise<{ device: DeviceRow; created: boolean; mapped: boolean }> {
  const [existing] = await db.select().from(devices).where(eq(devices.name, node));
  if (existing) {
    // An earlier import without router.db left it on `noop`: give it its model's plugin now; never override a choice.
    if (!mappedKey || existing.pluginKey !== 'noop') return { device: existing, created: false, mapped: false };
    const [updated] = await db
      .update(devices)
      .set({ pluginKey: mappedKey, host: oxidizedNode?.ip ?? existing.host, updatedAt: new Date() })
      .where(eq(devices.id, existing.id))
      .returning();
    return { device: updated!, created: false, mapped: true };
  }
  const groupName = group ?? oxidizedNode?.group ?? null;
  let deviceGroupId: string | null = null;
  if (groupName) {
    await db
      .insert(deviceGroups)
      .values({ name: groupName, description: 'Imported from Oxidized' })
      .onConflictDoNothing();
    const [row] = await db.select().from(deviceGroups).where(eq(deviceGroups.name, groupName));
    deviceGroupId = row?.id ?? null;
  }
  const [device] = await db
    .insert(devices)
    .values({
      name: node,
      host: oxidizedNode?.ip ?? node,
      pluginKey: mappedKey ?? defaultPluginKey,
      enabled: false,
      deviceGroupId,
    })
    .returning();
  return { device: device!, created: true, mapped: mappedKey !== null };
}

async function importVersion(
  deps: { db: Database; storage: StorageRegistry; spoolDir: string },
  gitDir: string,
  device: DeviceRow,
  version: FileVersion,
): Promise<boolean> {
  const spoolPath = join(deps.spoolDir, `${randomUUID()}.part`);
  try {
    const hash = createHash('sha256');
    let size = 0;
    let binary = false;
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        if (!binary) {
          try {
            if (chunk.includes(0)) binary = true;
            else decoder.decode(chunk, { stream: true });
          } catch {
            binary = true;
          }
        }
        callback(null, chunk);
      },
    });
    await pipeline(streamBlob(gitDir, version.blob), meter, createWriteStream(spoolPath, { flags: 'wx' }));
    if (!binary) {
      try {
        decoder.decode();
      } catch {
        binary = true;
      }
    }
    const sha256 = hash.digest('hex');
    const [duplicate] = await deps.db
      .select({ id: backups.id })
      .from(backups)
      .where(and(eq(backups.deviceId, device.id), eq(backups.createdAt, version.time), eq(backups.sha256, sha256)));
    if (duplicate) return false;
    const [previous] = await deps.db
      .select({ sha256: backups.sha256 })
      .from(backups)
      .where(and(eq(backups.deviceId, device.id)))
      .orderBy(sql`${backups.createdAt} desc nulls last`)
      .limit(1);
    const text = binary ? null : await readFile(spoolPath, 'utf8');
    const target = await deps.storage.forDevice(device);
    const stored = await target.store.put({
      spoolPath,
      sha256,
      size,
      deviceId: device.id,
      deviceName: device.name,
      jobId: `oxidized ${version.commit.slice(0, 12)}`,
      isBinary: binary,
      takenAt: version.time,
    });
    await recordVersion(
      deps.db,
      {
        deviceId: device.id,
        isBinary: binary,
        sha256,
        size,
        storageKind: stored.kind,
        storageRef: stored.ref,
        storageLocationId: target.locationId,
        changed: previous?.sha256 !== sha256,
        createdAt: version.time,
      },
      text === null ? [] : [{ sha256, content: text }],
    );
    return true;
  } finally {
    await rm(spoolPath, { force: true });
  }
}
