/**
 * What resolvers may use. The server wires real implementations; the schema only knows these ports,
 * so `packages/schema` never imports `apps/server`.
 */
import type { Database } from './db/database.js';
import type { AuditLogRow, AuthTokenRow, BackupRow } from './db/tables.js';
import type { Viewer } from './policy.js';
import type { DeviceVaultPubSub } from './pubsub.js';

export interface SecretsPort {
  encrypt(plaintext: string): string;
  /**
   * Changes keys of a sealed JSON object without handing its plaintext to the caller: each key of `patch`
   * is set, or removed when null. Returns the new ciphertext.
   */
  resealJson(ciphertext: string, patch: Record<string, string | null>): string;
}

export interface BackupContentPort {
  /** Reads a stored text backup as UTF-8 through the location recorded on its row. */
  readText(backup: BackupRow): Promise<string>;
}

export interface DownloadsPort {
  /** A short-lived signed URL for one backup, bound to the user it is issued to. */
  urlFor(backup: BackupRow, userId: string | null): string | null;
  /** The same for the restorable original of a scrubbed version (`&variant=original`, admins only). */
  originalUrlFor?(backup: BackupRow, userId: string | null): string | null;
}

/** What asked for a backup: a user (manual, API) or a part of the server (schedule, demo, device change). */
export interface EnqueueRequest {
  /** The devices to queue, by id; or leave it out and `select` them. */
  deviceIds?: readonly string[];
  /**
   * Every enabled, unarchived device of a device group, a collection group, or the fleet (`all`), limited to
   * `withinDeviceGroups` when given (an operator's reach); selected in the same statement that inserts.
   */
  select?: {
    deviceGroupId?: string;
    collectionGroupId?: string;
    all?: boolean;
    withinDeviceGroups?: readonly string[];
  };
  trigger: 'manual' | 'schedule' | 'demo' | 'change' | (string & {});
  /** The user who asked, or null for the server itself; `label` names either in the job log and audit row. */
  requestedBy: { userId: string | null; label: string };
  /** Who changed the device (from a change message); stored on the version the job records. */
  changedBy?: string | null;
  /** Not before this instant (default now); each device adds its stable offset within `spreadSeconds`. */
  runAfter?: Date;
  spreadSeconds?: number;
  /**
   * Only a queued job makes a device a duplicate (a change that arrives while a backup runs queues another);
   * a waiting job takes the newer `changedBy`.
   */
  duplicateOnlyIfQueued?: boolean;
}

export interface EnqueueResult {
  /** One new job per queued device, in no particular order. */
  queued: { jobId: string; deviceId: string }[];
  /** Devices given by id but not queued: one already has a waiting job, is disabled/archived, or doesn't exist. */
  skipped: { deviceId: string; reason: 'active' | 'disabled' | 'missing'; activeJobId: string | null }[];
  /** Devices not queued because a job was already waiting for them (by id or by selection). */
  skippedCount: number;
}

export interface JobQueuePort {
  /**
   * Queues one job per device in one statement, skipping devices that already have a queued or running job;
   * audits the request, publishes each job's `queued` line and wakes the runner. The only way to queue a job.
   */
  enqueue(request: EnqueueRequest): Promise<EnqueueResult>;
  /**
   * Ends a queued or running job as failed with code `cancelled`; a running job's collection is aborted and
   * nothing is stored. False when the job had already ended.
   */
  cancel(jobId: string, by: { userId: string | null; label: string }): Promise<boolean>;
}

export interface DeviceHistoryPort {
  /**
   * Deletes a device with its whole history: job, version and event rows, and the stored bytes no other
   * device's version shares (content-addressed stores dedupe across devices).
   */
  deleteDevice(deviceId: string): Promise<{ versions: number; blobsRemoved: number }>;
}

/** Alerting (issue 12): test sends and waking the background evaluator. */
export interface AlertingPort {
  /** Sends one test message to a channel now (not through the outbox); null when the channel is gone. */
  sendTest(
    channelId: string,
  ): Promise<{ delivered: boolean; statusCode: number | null; error: string | null; durationMs: number } | null>;
}

/**
 * One shared device → device group lookup for subscriptions: a burst of events for one device costs one
 * query however many subscribers filter it (entries live a few seconds, so a moved device is seen soon).
 */
export interface DeviceAccessPort {
  groupOf(deviceId: string): Promise<string | null>;
  /** The answer `groupOf` would give from what it already knows; undefined when it would have to ask. */
  knownGroupOf(deviceId: string): string | null | undefined;
}

export interface ExportsPort {
  /**
   * A short-lived signed URL of the snapshot zip (each readable device's latest text version as of `asOf`,
   * optionally one device group), bound to the user it is issued to.
   */
  configsZipUrl(query: { asOf: Date; deviceGroupId: string | null }, userId: string): string;
}

export interface InventoryPort {
  /**
   * Syncs one inventory source now (apps/server integrations/inventory): reads it whole, then creates, updates
   * and archives its devices in one transaction, or with `dryRun` only reports; null when the source is gone.
   */
  sync(
    sourceId: string,
    options: { dryRun: boolean; requestedBy: string },
  ): Promise<import('./db/tables.js').InventorySyncRunRow | null>;
}

export interface GitMirrorsPort {
  /** Pushes a git location to its remote mirror soon, in the background (apps/server storage/git-mirror.ts). */
  pushSoon(locationId: string): void;
}

export interface PasswordsPort {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export interface TokensPort {
  /** Creates a token row and returns the token itself; only its hash is stored. */
  issue(input: { userId: string; kind: AuthTokenRow['kind']; name?: string; expiresAt: Date | null }): Promise<{
    token: string;
    row: AuthTokenRow;
  }>;
}

export interface SessionCookiePort {
  set(token: string, expiresAt: Date): void;
  clear(): void;
}

export interface LoginThrottlePort {
  /**
   * Counts one sign-in attempt for this username from this address, or refuses it while the username, the
   * address or the pair is throttled (`retryAfterSeconds` says when to try again). An allowed attempt
   * counts as failed unless `succeeded` is called.
   */
  begin(
    username: string,
    sourceAddress: string | null,
  ): Promise<
    { allowed: true; succeeded(userId: string): Promise<void> } | { allowed: false; retryAfterSeconds: number }
  >;
}

export type AuditEntry = Pick<AuditLogRow, 'action' | 'outcome'> &
  Partial<Pick<AuditLogRow, 'targetType' | 'targetId' | 'details' | 'actorUserId' | 'actorLabel'>>;

export interface AuditPort {
  record(entry: AuditEntry): Promise<void>;
}

export interface Context {
  db: Database;
  pubsub: DeviceVaultPubSub;
  secrets: SecretsPort;
  backupContent: BackupContentPort;
  downloads: DownloadsPort;
  jobQueue: JobQueuePort;
  exports: ExportsPort;
  inventory: InventoryPort;
  gitMirrors: GitMirrorsPort;
  deviceHistory: DeviceHistoryPort;
  alerting: AlertingPort;
  deviceAccess: DeviceAccessPort;
  passwords: PasswordsPort;
  tokens: TokensPort;
  sessionCookie: SessionCookiePort;
  loginThrottle: LoginThrottlePort;
  audit: AuditPort;
  /** The signed-in user, or null for anonymous requests. */
  viewer: Viewer | null;
  /**
   * The caller as of now (re-checked at most every few seconds). Long-lived subscriptions ask before each
   * event, so a revoked token, a disabled user or a removed grant stops what they receive.
   */
  currentViewer(): Promise<Viewer | null>;
  /** What `currentViewer` would answer without asking; undefined when it is due to be re-checked. */
  currentViewerIfFresh(): Viewer | null | undefined;
  /** The client's address, for the audit log and rate limits. */
  sourceAddress: string | null;
}
