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
import { readNetworkPolicy } from '@devicevault/schema/network-policy-setting';
import { eq } from 'drizzle-orm';
import type { SecretBox } from '../secrets/secret-box.js';
import type { CollectTask } from './collect-task.js';
import { JobFailure } from './job-failure.js';

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
  const [device] = await db.select().from(devices).where(eq(devices.id, deviceId));
  if (!device) throw new JobFailure('invalid_options', 'the device no longer exists');
  if (!device.enabled) throw new JobFailure('aborted', 'the device was disabled after this job was queued');
  const [credential] = device.credentialId
    ? await db.select().from(credentials).where(eq(credentials.id, device.credentialId))
    : [];
  // The collection group's timeout wins; devices outside any group use the server default.
  const [group] = device.collectionGroupId
    ? await db
        .select({
          timeoutSeconds: collectionGroups.timeoutSeconds,
          maxShrinkPercent: collectionGroups.maxShrinkPercent,
        })
        .from(collectionGroups)
        .where(eq(collectionGroups.id, device.collectionGroupId))
    : [];
  return {
    device,
    credential,
    timeoutMs: (group?.timeoutSeconds ?? defaultTimeoutSeconds) * 1000,
    maxShrinkPercent: group?.maxShrinkPercent ?? null,
    networkPolicy: await readNetworkPolicy(db),
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
    timeouts: { connectMs: Math.min(timeoutMs, 15_000), idleMs: Math.min(timeoutMs, 30_000), overallMs: timeoutMs },
    maxTextBytes: options.maxTextBytes,
    scrubSecrets: device.scrubSecrets,
    spoolDir: options.spoolDir,
    networkPolicy,
  };
}
