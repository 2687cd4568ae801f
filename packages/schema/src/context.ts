/**
 * What resolvers may use. The server wires real implementations; the schema only knows these ports,
 * so `packages/schema` never imports `apps/server`.
 */
import type { Database } from './db/client.js';
import type { BackupRow } from './db/tables.js';
import type { DeviceVaultPubSub } from './pubsub.js';

export interface SecretsPort {
  encrypt(plaintext: string): string;
}

export interface BackupContentPort {
  /** Reads a stored text backup as UTF-8 through the location recorded on its row. */
  readText(backup: BackupRow): Promise<string>;
}

export interface DownloadsPort {
  /** A short-lived signed URL for one backup, or null when downloads are not served. */
  urlFor(backup: BackupRow): string | null;
}

export interface JobQueuePort {
  /** Wakes the runner after a job row was inserted, so it needn't wait for its next poll. */
  jobQueued(): void;
}

export interface Context {
  db: Database;
  pubsub: DeviceVaultPubSub;
  secrets: SecretsPort;
  backupContent: BackupContentPort;
  downloads: DownloadsPort;
  jobQueue: JobQueuePort;
}
