/** Step "load device and secrets": what a collection needs, read fresh when the job starts. */

import type { NetworkPolicy } from '@devicevault/plugins/transports/network-policy';
import type { Database } from '@devicevault/schema/db/database';
import {
  type CredentialRow,
  collectionGroups,
  credentials,
  type DeviceRow,
  devices,
} from '@devicevault/schema/db/tables';
import { networkPolicyOf, networkPolicyValueSql } from '@devicevault/schema/network-policy-setting';
import { eq } from 'drizzle-orm';
import type { SecretBox } from '../secrets/secret-box.js';
import type { CollectTask } from './collect-task.js';
import { JobFailure } from './job-failure.js';
import { splitJobTimeout } from './job-timeouts.js';

export interface JobTarget {
  device: DeviceRow;
  credential: CredentialRow | undefined;
  timeoutMs: number;
  /** The collection group's shrink limit for `suspect_output`; null uses the server default. */
  maxShrinkPercent: number | null;
  /** Checked by the transports at every connection, so a policy change applies from the next job on. */
  networkPolicy: NetworkPolicy;
}

export async function loadDevice(db: Database, deviceId: string, defaultTimeoutSeconds: number): Promise<JobTarget> {
  // One statement: the device, its credential, its collection group's limits and the network policy.
  const [row] = await db
    .select({
      device: devices,
      credential: credentials,
      timeoutSeconds: collectionGroups.timeoutSeconds,
      maxShrinkPercent: collectionGroups.maxShrinkPercent,
      networkPolicy: networkPolicyValueSql().mapWith((value: unknown) => value),
    })
    .from(devices)
    .leftJoin(credentials, eq(credentials.id, devices.credentialId))
    .leftJoin(collectionGroups, eq(collectionGroups.id, devices.collectionGroupId))
    .where(eq(devices.id, deviceId));
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
