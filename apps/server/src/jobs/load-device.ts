/**
 * Step "load device and secrets": what a collection needs, read fresh when the job starts, in one statement:
 * the device, its credential, its collection group's limits, the network policy, the user's rules that apply
 * to it, its latest version (the shrink check and "unchanged" compare against it), where a new version
 * goes and whether a retention policy applies. (A job read each of these on its own before: 8 statements; issue 13 item 2.)
 * The jobs of one claim start together, so their loads go as one statement for all of them.
 */

import type { NetworkPolicy } from '@devicevault/plugins/transports/network-policy';
import { type UserRules, userRulesSql } from '@devicevault/schema/config-rules';
import { type Database, parsedJson } from '@devicevault/schema/db/database';
import {
  type BackupRow,
  backups,
  type CredentialRow,
  collectionGroups,
  credentials,
  type DeviceRow,
  devices,
  type StorageLocationRow,
  storageLocations,
} from '@devicevault/schema/db/tables';
import { networkPolicyOf, networkPolicyValueSql } from '@devicevault/schema/network-policy-setting';
import DataLoader from 'dataloader';
import { eq, sql } from 'drizzle-orm';
import type { SecretBox } from '../secrets/secret-box.js';
import { storageLocationIdSql } from '../storage/storage-registry.js';
import type { CollectTask } from './collect-task.js';
import { JobFailure } from './job-failure.js';
import { splitJobTimeout } from './job-timeouts.js';
import { retentionPolicyIdSql } from './pruner.js';

export interface JobTarget {
  device: DeviceRow;
  credential: CredentialRow | undefined;
  timeoutMs: number;
  /** The collection group's shrink limit for `suspect_output`; null uses the server default. */
  maxShrinkPercent: number | null;
  /** Checked by the transports at every connection, so a policy change applies from the next job on. */
  networkPolicy: NetworkPolicy;
  /** The user's scrub rules and filters for this device. */
  rules: UserRules;
  /** The device's latest version, or null before its first. */
  previous: PreviousVersion | null;
  /** Where a new version goes (null: the built-in store). */
  location: StorageLocationRow | null;
  /** The retention policy that applies to the device, if any (none: nothing to prune after a backup). */
  retentionPolicyId: string | null;
}

export type PreviousVersion = Pick<
  BackupRow,
  'id' | 'isBinary' | 'sha256' | 'significantSha256' | 'size' | 'storageKind' | 'storageRef' | 'storageLocationId'
>;

// One device per job: a device's versions are read newest first through backups_device_created_idx.
const latestVersionSql = sql<PreviousVersion | null>`(select json_build_object('id', b.id, 'isBinary', b.is_binary,
    'sha256', b.sha256, 'significantSha256', b.significant_sha256, 'size', b.size, 'storageKind', b.storage_kind,
    'storageRef', b.storage_ref, 'storageLocationId', b.storage_location_id)
  from ${backups} b where b.device_id = ${devices.id}
  order by b.created_at desc nulls last, b.id desc nulls last limit 1)`;

// The ids go as one text parameter whatever the batch's size, so the statement stays one prepared statement.
function loadStatement(db: Database) {
  return db
    .select({
      device: devices,
      credential: credentials,
      timeoutSeconds: collectionGroups.timeoutSeconds,
      maxShrinkPercent: collectionGroups.maxShrinkPercent,
      networkPolicy: networkPolicyValueSql().mapWith((value: unknown) => value),
      rules: userRulesSql(devices),
      previous: latestVersionSql.mapWith((value) => parsedJson<PreviousVersion | null>(value)),
      location: storageLocations,
      retentionPolicyId: retentionPolicyIdSql(devices),
    })
    .from(devices)
    .leftJoin(credentials, eq(credentials.id, devices.credentialId))
    .leftJoin(collectionGroups, eq(collectionGroups.id, devices.collectionGroupId))
    .leftJoin(storageLocations, eq(storageLocations.id, storageLocationIdSql(devices)))
    .where(sql`${devices.id} = any(string_to_array(${sql.placeholder('deviceIds')}, ',')::uuid[])`)
    .prepare('loadDevices');
}

type LoadedRow = Awaited<ReturnType<ReturnType<typeof loadStatement>['execute']>>[number];

// Per database: the statement is built once (drizzle builds a statement's SQL on every run otherwise, 0.5 ms of
// this one's), and the loads asked for in one tick (a claim's jobs starting) go as one statement. No cache:
// every job reads what holds when it starts.
const loaders = new WeakMap<Database, DataLoader<string, LoadedRow | null>>();

function loaderFor(db: Database) {
  let loader = loaders.get(db);
  if (!loader) {
    const statement = loadStatement(db);
    loader = new DataLoader(
      async (deviceIds: readonly string[]) => {
        const rows = await statement.execute({ deviceIds: deviceIds.join(',') });
        const byId = new Map(rows.map((row) => [row.device.id, row]));
        return deviceIds.map((id) => byId.get(id) ?? null);
      },
      { cache: false, maxBatchSize: 100 },
    );
    loaders.set(db, loader);
  }
  return loader;
}

export async function loadDevice(db: Database, deviceId: string, defaultTimeoutSeconds: number): Promise<JobTarget> {
  const row = await loaderFor(db).load(deviceId);
  if (!row) throw new JobFailure('invalid_options', 'the device no longer exists');
  const { device } = row;
  if (!device.enabled) throw new JobFailure('aborted', 'the device was disabled after this job was queued');
  return {
    device,
    credential: row.credential ?? undefined,
    // The collection group's timeout wins; devices outside any group use the server default.
    timeoutMs: (row.timeoutSeconds ?? defaultTimeoutSeconds) * 1000,
    maxShrinkPercent: row.maxShrinkPercent ?? null,
    networkPolicy: networkPolicyOf(row.networkPolicy),
    rules: row.rules,
    previous: row.previous ?? null,
    location: row.location ?? null,
    retentionPolicyId: row.retentionPolicyId ?? null,
  };
}

/** The plain data a worker gets: the only place credentials are decrypted. */
export function collectTask(
  jobId: string,
  { device, credential, timeoutMs, networkPolicy }: JobTarget,
  options: { secrets: SecretBox; maxTextBytes: number; spoolDir: string },
): Omit<CollectTask, 'progressPort'> {
  const { secrets } = options;
  return {
    jobId,
    pluginKey: device.pluginKey,
    target: {
      host: device.host,
      port: device.port,
      username: credential?.username ?? '',
      password: credential ? secrets.decrypt(credential.secretCiphertext) : '',
      enablePassword: credential?.enableSecretCiphertext
        ? secrets.decrypt(credential.enableSecretCiphertext)
        : undefined,
      hostKeyFingerprint: device.hostKeyFingerprint,
      options: device.pluginOptions,
    },
    timeouts: splitJobTimeout(timeoutMs),
    maxTextBytes: options.maxTextBytes,
    scrubSecrets: device.scrubSecrets,
    spoolDir: options.spoolDir,
    networkPolicy,
  };
}
