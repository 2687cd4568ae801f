/**
 * The core domain tables. One schema for PGlite and PostgreSQL; blobs never live here (only their
 * location and hash), because PGlite's bytea costs ~0.5 s/MB.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const id = () => uuid('id').primaryKey().defaultRandom();
// Millisecond precision: keyset cursors carry a JS Date, which cannot hold PostgreSQL's microseconds.
const createdAt = () => timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** Where backups are written: a content-addressed directory ('fs') or a git repository ('git'). */
export const storageLocations = pgTable('storage_locations', {
  id: id(),
  name: text('name').notNull().unique(),
  kind: text('kind').$type<'fs' | 'git'>().notNull(),
  /** Absolute, or relative to the data dir. */
  path: text('path').notNull(),
  isDefault: boolean('is_default').notNull().default(false),
  /**
   * Git locations may mirror to a remote (issue 14): its URL (https://, ssh://, git://, scp-like), the branch
   * pushed, and the secret-box ciphertext of `{ token }` (HTTPS) or `{ sshPrivateKey }`, never returned.
   */
  mirrorUrl: text('mirror_url'),
  mirrorBranch: text('mirror_branch'),
  mirrorSecretCiphertext: text('mirror_secret_ciphertext'),
  /** Push health: the last successful push, and the last error (cleared by the next success). */
  lastPushAt: timestamp('last_push_at', { withTimezone: true }),
  lastPushError: text('last_push_error'),
  lastPushErrorAt: timestamp('last_push_error_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/** How many versions to keep; null limits are unlimited, set ones combine (a version must satisfy all). */
export const retentionPolicies = pgTable('retention_policies', {
  id: id(),
  name: text('name').notNull().unique(),
  keepLast: integer('keep_last'),
  keepDays: integer('keep_days'),
  maxBytes: bigint('max_bytes', { mode: 'number' }),
  isDefault: boolean('is_default').notNull().default(false),
  createdAt: createdAt(),
});

/** Who may see and touch which devices (access control scopes grants by these). */
export const deviceGroups = pgTable('device_groups', {
  id: id(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  storageLocationId: uuid('storage_location_id').references(() => storageLocations.id, { onDelete: 'set null' }),
  retentionPolicyId: uuid('retention_policy_id').references(() => retentionPolicies.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
});

/** When and how devices are collected: schedule, timeout, parallelism. */
export const collectionGroups = pgTable('collection_groups', {
  id: id(),
  name: text('name').notNull().unique(),
  /** A cron expression (croner syntax); null means manual only (unless `intervalSeconds` is set). */
  schedule: text('schedule'),
  /** IANA time zone the cron expression and the backup window are read in. */
  timeZone: text('time_zone').notNull().default('UTC'),
  /** A plain interval ("every 6 h") instead of cron: slots at whole multiples since the Unix epoch. */
  intervalSeconds: integer('interval_seconds'),
  /** Devices start within this many seconds after a slot, each at a stable offset (hash of its id). */
  spreadSeconds: integer('spread_seconds').notNull().default(0),
  /** Backup window in minutes of the local day (start inclusive, end exclusive; may wrap midnight). */
  windowStartMinute: integer('window_start_minute'),
  windowEndMinute: integer('window_end_minute'),
  /** A slot missed while every process was down runs once at start if it is at most this old. */
  catchUpSeconds: integer('catch_up_seconds').notNull().default(3600),
  /** Attempts per job, counting the first; transient failures are retried with backoff up to it. */
  maxAttempts: integer('max_attempts').notNull().default(3),
  /** Jobs of this group running at once across every process; null is unlimited. */
  maxConcurrent: integer('max_concurrent'),
  /** A device with no success for this long is STALE; null: twice the schedule period, else 25 h. */
  freshnessSeconds: integer('freshness_seconds'),
  /** Seconds between two slots of the schedule (derived when it is saved; feeds the default freshness). */
  schedulePeriodSeconds: integer('schedule_period_seconds'),
  timeoutSeconds: integer('timeout_seconds').notNull().default(120),
  /**
   * A text version more than this many percent smaller than the previous one fails as `suspect_output`
   * (nothing stored); null uses the server default (DEVICEVAULT_SUSPECT_SHRINK_PERCENT), 100 turns it off.
   */
  maxShrinkPercent: integer('max_shrink_percent'),
  createdAt: createdAt(),
});

/**
 * A zone is a site whose devices only a remote collector of that zone can reach (behind NAT; two zones may
 * reuse the same private addresses). Devices without a zone are collected by the server's own pool.
 */
export const zones = pgTable('zones', {
  id: id(),
  name: text('name').notNull().unique(),
  createdAt: createdAt(),
});

/** Device login secrets, AES-256-GCM encrypted; the API can write them but never read them back. */
export const credentials = pgTable('credentials', {
  id: id(),
  name: text('name').notNull().unique(),
  username: text('username').notNull(),
  secretCiphertext: text('secret_ciphertext').notNull(),
  enableSecretCiphertext: text('enable_secret_ciphertext'),
  /**
   * The device group whose operators may attach this credential to devices. Null: only admins may. Without
   * this an operator could point any credential at a host they control and have the runner send it there.
   */
  deviceGroupId: uuid('device_group_id').references(() => deviceGroups.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const devices = pgTable(
  'devices',
  {
    id: id(),
    name: text('name').notNull().unique(),
    /** IPv4, IPv6 or a DNS name; validated on input. */
    host: text('host').notNull(),
    port: integer('port').notNull().default(22),
    pluginKey: text('plugin_key').notNull(),
    pluginOptions: jsonb('plugin_options').$type<Record<string, string>>().notNull().default({}),
    credentialId: uuid('credential_id').references(() => credentials.id, { onDelete: 'restrict' }),
    deviceGroupId: uuid('device_group_id').references(() => deviceGroups.id, { onDelete: 'set null' }),
    collectionGroupId: uuid('collection_group_id').references(() => collectionGroups.id, { onDelete: 'set null' }),
    /** The zone whose remote collectors collect this device; null: the server's own pool. */
    zoneId: uuid('zone_id').references(() => zones.id, { onDelete: 'restrict' }),
    enabled: boolean('enabled').notNull().default(true),
    scrubSecrets: boolean('scrub_secrets').notNull().default(false),
    /** Overrides the device group's storage location / retention policy when set. */
    storageLocationId: uuid('storage_location_id').references(() => storageLocations.id, { onDelete: 'set null' }),
    retentionPolicyId: uuid('retention_policy_id').references(() => retentionPolicies.id, { onDelete: 'set null' }),
    /** Pinned on first use (`SHA256:…`); a different key later fails the job with host_key_changed. */
    hostKeyFingerprint: text('host_key_fingerprint'),
    /** Archived devices are not collected nor listed by default; their history stays (unarchive restores). */
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    /** The inventory source that manages this device (issue 14) and the device's key there (NetBox id, CSV name). */
    inventorySourceId: uuid('inventory_source_id').references(() => inventorySources.id, { onDelete: 'set null' }),
    inventoryKey: text('inventory_key'),
    /** Set when a user edits the device: inventory syncs then leave its host, plugin and groups alone. */
    manualOverrideAt: timestamp('manual_override_at', { withTimezone: true }),
    /** The last backup state an event was written for (the staleness sweep emits each transition once). */
    backupState: text('backup_state').notNull().default('NEVER'),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true }),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('devices_created_at_id_idx').on(t.createdAt.desc(), t.id.desc()),
    index('devices_device_group_idx').on(t.deviceGroupId),
    index('devices_collection_group_idx').on(t.collectionGroupId),
    index('devices_freshness_idx').on(t.lastSuccessAt),
    index('devices_inventory_idx').on(t.inventorySourceId, t.inventoryKey),
    index('devices_zone_idx').on(t.zoneId),
  ],
);

export const jobStatuses = ['queued', 'running', 'storing', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof jobStatuses)[number];

/** One line of a job's history; status changes are lines too, so a late subscriber can replay them in order. */
export interface JobLogLine {
  seq: number;
  at: string;
  status: JobStatus;
  message: string;
  errorCode?: string;
  backupId?: string;
  /** The attempt the line belongs to (each attempt's lines stay on the job). */
  attempt?: number;
}

/** The queue and the history in one table: claimed with SKIP LOCKED plus a lease. */
export const jobs = pgTable(
  'jobs',
  {
    id: id(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    status: text('status').$type<JobStatus>().notNull().default('queued'),
    trigger: text('trigger').notNull().default('manual'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(1),
    /** Times the process running it died (its lease expired): retried without counting as an attempt. */
    interruptions: integer('interruptions').notNull().default(0),
    runAfter: timestamp('run_after', { withTimezone: true }).notNull().defaultNow(),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    log: jsonb('log').$type<JobLogLine[]>().notNull().default([]),
    backupId: uuid('backup_id'),
    /** Who asked for it (a user, 'scheduler', 'syslog 192.0.2.9', …). */
    requestedBy: text('requested_by'),
    /** Who changed the device's configuration, when a change message named them; stored on the version. */
    changedBy: text('changed_by'),
    createdAt: createdAt(),
  },
  (t) => [
    index('jobs_claim_idx').on(t.status, t.runAfter),
    // The queue in claim order: a claim walks it from the front and stops at its batch (claimJobs).
    index('jobs_queue_idx').on(t.runAfter, t.createdAt).where(sql`status = 'queued'`),
    index('jobs_device_created_idx').on(t.deviceId, t.createdAt.desc()),
    // The fleet's `jobs` list, newest first (keyset on created_at, id).
    index('jobs_created_at_id_idx').on(t.createdAt.desc(), t.id.desc()),
    // The overview's activity counts (jobs ended per hour and day).
    index('jobs_finished_at_idx').on(t.finishedAt),
    index('jobs_lease_idx').on(t.leaseExpiresAt),
  ],
);

/** One collected version: where its bytes are stored and whether it differs from the previous one. */
export const backups = pgTable(
  'backups',
  {
    id: id(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    jobId: uuid('job_id').references(() => jobs.id, { onDelete: 'set null' }),
    isBinary: boolean('is_binary').notNull(),
    sha256: text('sha256').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    /** Which backend wrote it ('fs' | 'git') and its reference there; reads use these, never device settings. */
    storageKind: text('storage_kind').notNull(),
    storageRef: text('storage_ref').notNull(),
    storageLocationId: uuid('storage_location_id').references(() => storageLocations.id, { onDelete: 'restrict' }),
    /** sha256 of the plugin's significant-changes view, when it defines one (used for change detection). */
    significantSha256: text('significant_sha256'),
    changed: boolean('changed').notNull(),
    /** Who made the change, from the syslog message or webhook that triggered the backup; null otherwise. */
    changedBy: text('changed_by'),
    createdAt: createdAt(),
  },
  (t) => [
    index('backups_device_created_idx').on(t.deviceId, t.createdAt.desc(), t.id.desc()),
    // The overview's activity counts (versions stored per hour and day).
    index('backups_created_at_idx').on(t.createdAt),
    uniqueIndex('backups_job_idx').on(t.jobId),
    index('backups_sha256_idx').on(t.sha256),
  ],
);

/**
 * Text of stored text versions, keyed by content hash (configs are KBs, and deduplicated): lets search and
 * diff run in the database without reading files. Binaries never go here.
 */
export const textContents = pgTable('text_contents', {
  sha256: text('sha256').primaryKey(),
  content: text('content').notNull(),
  createdAt: createdAt(),
});

export const userRoles = ['admin', 'operator', 'viewer'] as const;
export type UserRole = (typeof userRoles)[number];

/** Local users; passwords are argon2id hashes. */
export const users = pgTable('users', {
  id: id(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: text('role').$type<UserRole>().notNull(),
  disabled: boolean('disabled').notNull().default(false),
  lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Which device groups a non-admin user's role applies to. */
export const userGrants = pgTable(
  'user_grants',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    deviceGroupId: uuid('device_group_id')
      .notNull()
      .references(() => deviceGroups.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('user_grants_user_group_idx').on(t.userId, t.deviceGroupId)],
);

/** Dashboard sessions and API tokens: only a sha256 of the token is stored. */
export const authTokens = pgTable(
  'auth_tokens',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'session' | 'api'>().notNull(),
    name: text('name').notNull().default(''),
    tokenHash: text('token_hash').notNull().unique(),
    /** The first characters of the token, shown so people can tell their tokens apart. */
    prefix: text('prefix').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('auth_tokens_user_idx').on(t.userId, t.kind)],
);

/**
 * A remote collector's identity (`devicevault collector --token dvc_…`): bound to one zone, its token shown
 * once and stored as a sha256 like API tokens. Revoking it refuses its next request, including a waiting claim.
 */
export const collectors = pgTable('collectors', {
  id: id(),
  name: text('name').notNull().unique(),
  zoneId: uuid('zone_id')
    .notNull()
    .references(() => zones.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull().unique(),
  prefix: text('prefix').notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  /** Its last request (updated at most once a minute). */
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/** Who did what to which target, from where, and how it ended. Written for every mutation, login and read of content. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    sourceAddress: text('source_address'),
    outcome: text('outcome').$type<'success' | 'failure' | 'denied'>().notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index('audit_log_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('audit_log_actor_idx').on(t.actorUserId, t.createdAt.desc()),
    index('audit_log_action_idx').on(t.action, t.createdAt.desc()),
  ],
);

/**
 * Sign-in throttle counters, shared by every server process on the database. `key` is `user:<name>`,
 * `address:<address>` or `pair:<name>|<address>`; every attempt is counted up front (so parallel guesses
 * can't all pass one check) and a successful one is given back. Logic: apps/server/src/auth/login-throttle.ts.
 */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  blockedUntil: timestamp('blocked_until', { withTimezone: true }),
  updatedAt: updatedAt(),
});

/** Addresses a user has signed in from: a throttle on the username doesn't apply to them (the owner keeps access). */
export const loginKnownAddresses = pgTable(
  'login_known_addresses',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    address: text('address').notNull(),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('login_known_addresses_pair_idx').on(t.userId, t.address)],
);

/**
 * Every schedule slot a process has dealt with: inserted with ON CONFLICT DO NOTHING, so exactly one process
 * queues a slot's jobs however many share the database. `outcome` is 'fired' or 'missed' (past catch-up).
 */
export const scheduleSlots = pgTable(
  'schedule_slots',
  {
    collectionGroupId: uuid('collection_group_id')
      .notNull()
      .references(() => collectionGroups.id, { onDelete: 'cascade' }),
    slotAt: timestamp('slot_at', { withTimezone: true }).notNull(),
    outcome: text('outcome').$type<'fired' | 'missed'>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.collectionGroupId, t.slotAt] })],
);

/**
 * Facts about devices worth telling someone (DEVICE_STALE, DEVICE_RECOVERED, BACKUP_FAILED, …), written in the
 * same transaction as the fact; alerting reads them from here.
 */
export const events = pgTable(
  'events',
  {
    id: id(),
    kind: text('kind').notNull(),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'cascade' }),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    /**
     * When alert rules were evaluated on it (apps/server/src/alerting/evaluate-rules.ts); null = not yet. A flag
     * rather than a (created_at, id) cursor: created_at is a transaction's start, so rows commit out of order.
     */
    evaluatedAt: timestamp('evaluated_at', { withTimezone: true }),
  },
  (t) => [
    index('events_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('events_device_created_idx').on(t.deviceId, t.createdAt.desc()),
    index('events_unevaluated_idx').on(t.createdAt, t.id).where(sql`evaluated_at is null`),
  ],
);

export const notificationChannelKinds = ['WEBHOOK', 'SLACK', 'TEAMS', 'EMAIL'] as const;
export type NotificationChannelKind = (typeof notificationChannelKinds)[number];

/**
 * Where alerts are sent. `settings` holds what may be shown (e-mail host, port, STARTTLS, username, from,
 * to; a URL's origin); `secretCiphertext` is the secret-box ciphertext of `{ url, signingSecret, password }`:
 * webhook URLs of Slack and Teams are capabilities, so the whole URL is stored encrypted.
 */
export const notificationChannels = pgTable('notification_channels', {
  id: id(),
  name: text('name').notNull().unique(),
  kind: text('kind').$type<NotificationChannelKind>().notNull(),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  secretCiphertext: text('secret_ciphertext').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Which events open alerts, for which devices, and where they are sent (empty filter arrays match all). */
export const alertRules = pgTable('alert_rules', {
  id: id(),
  name: text('name').notNull().unique(),
  kinds: text('kinds').array().notNull(),
  deviceGroupIds: uuid('device_group_ids').array().notNull().default(sql`'{}'`),
  collectionGroupIds: uuid('collection_group_ids').array().notNull().default(sql`'{}'`),
  pluginKeys: text('plugin_keys').array().notNull().default(sql`'{}'`),
  minConsecutiveFailures: integer('min_consecutive_failures').notNull().default(1),
  significantOnly: boolean('significant_only').notNull().default(false),
  channelIds: uuid('channel_ids').array().notNull().default(sql`'{}'`),
  /** Group this rule's notifications per interval (one message per channel and interval); null = at once. */
  digestMinutes: integer('digest_minutes'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const alertStates = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'] as const;
export type AlertState = (typeof alertStates)[number];

/**
 * One alert per (rule, subject, kind) while its condition holds: a device failing every 5 minutes bumps
 * `occurrences` instead of opening (and notifying) again. `subject` is the device id, or the channel id for
 * DELIVERY_FAILING.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: id(),
    ruleId: uuid('rule_id')
      .notNull()
      .references(() => alertRules.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'cascade' }),
    subject: text('subject').notNull(),
    state: text('state').$type<AlertState>().notNull().default('OPEN'),
    occurrences: integer('occurrences').notNull().default(1),
    openedEventId: uuid('opened_event_id').notNull(),
    lastEventId: uuid('last_event_id').notNull(),
    resolvedEventId: uuid('resolved_event_id'),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: uuid('acknowledged_by').references(() => users.id, { onDelete: 'set null' }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('alerts_open_subject_idx').on(t.ruleId, t.subject, t.kind).where(sql`state <> 'RESOLVED'`),
    index('alerts_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('alerts_device_idx').on(t.deviceId),
  ],
);

/**
 * The durable outbox: one row per message to one channel, written in the transaction that opened or
 * resolved its alert; background senders claim due rows with FOR UPDATE SKIP LOCKED and a lease.
 * `payload` is the rendered message (event id first: receivers de-duplicate by it).
 */
export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => notificationChannels.id, { onDelete: 'cascade' }),
    eventId: uuid('event_id').references(() => events.id, { onDelete: 'cascade' }),
    alertId: uuid('alert_id').references(() => alerts.id, { onDelete: 'set null' }),
    /** alert | resolved | delivery_failing */
    purpose: text('purpose').notNull(),
    /** Rows sharing a key leave together as one digest message once the first is due. */
    digestKey: text('digest_key'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** pending | delivered | dead */
    state: text('state').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true, precision: 3 }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: createdAt(),
  },
  (t) => [
    index('notifications_due_idx').on(t.nextAttemptAt).where(sql`state = 'pending'`),
    index('notifications_created_idx').on(t.createdAt.desc(), t.id.desc()),
    uniqueIndex('notifications_once_idx').on(t.channelId, t.eventId, t.purpose),
  ],
);

/** The delivery log: every attempt to send a notification, with its answer or error and how long it took. */
export const notificationAttempts = pgTable(
  'notification_attempts',
  {
    id: id(),
    notificationId: uuid('notification_id')
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, precision: 3 }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    delivered: boolean('delivered').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('notification_attempts_notification_idx').on(t.notificationId, t.attempt)],
);

/** Server-wide settings, key → JSON: demo fleet bookkeeping (seeded once per data dir), the network policy. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
});

/**
 * User-defined secret masks, applied on the server after the plugin's own masks to devices that scrub
 * secrets: a regular expression (RE2 syntax, per line) and its replacement, for every device or only those
 * of one plugin and/or one device group. Logic: apps/server/src/jobs/scrub-and-filter.ts.
 */
export const scrubRules = pgTable('scrub_rules', {
  id: id(),
  pattern: text('pattern').notNull(),
  replacement: text('replacement').notNull(),
  pluginKey: text('plugin_key'),
  deviceGroupId: uuid('device_group_id').references(() => deviceGroups.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const backupFilterKinds = ['ignore_for_changes', 'remove_before_storing'] as const;
export type BackupFilterKind = (typeof backupFilterKinds)[number];

/**
 * User-defined line filters (Unimus "backup filters"): lines matching `pattern` are either kept but not a
 * change (`ignore_for_changes`) or removed before the version is stored (`remove_before_storing`), for every
 * device or only those of one plugin and/or one device group.
 */
export const backupFilters = pgTable('backup_filters', {
  id: id(),
  kind: text('kind').$type<BackupFilterKind>().notNull(),
  pattern: text('pattern').notNull(),
  description: text('description').notNull().default(''),
  pluginKey: text('plugin_key'),
  deviceGroupId: uuid('device_group_id').references(() => deviceGroups.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * The restorable original of a scrubbed version: AES-256-GCM ciphertext in a store of its own
 * (`<data>/originals`), never in `text_contents` or a git repository. `plaintextMac` (HMAC-SHA256 under the
 * data key) lets an unchanged original point at the earlier blob without an unkeyed hash of the secrets.
 */
export const backupOriginals = pgTable(
  'backup_originals',
  {
    backupId: uuid('backup_id')
      .primaryKey()
      .references(() => backups.id, { onDelete: 'cascade' }),
    storageRef: text('storage_ref').notNull(),
    /** Bytes of the original itself (the download's Content-Length). */
    size: bigint('size', { mode: 'number' }).notNull(),
    plaintextMac: text('plaintext_mac').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('backup_originals_mac_idx').on(t.plaintextMac)],
);

export const inventorySourceKinds = ['netbox', 'http', 'csv'] as const;
export type InventorySourceKind = (typeof inventorySourceKinds)[number];

/**
 * Where devices come from (issue 14): a NetBox, a generic HTTP JSON list (Oxidized's `http` source) or a CSV
 * file or URL. `settings` holds what may be shown (filters, JSON path, field and platform mappings, defaults);
 * `secretCiphertext` is the secret-box ciphertext of `{ token, headers }`, never returned. `lastRunAt` is the
 * durable "last run": a process claims a due sync by moving it with a conditional update, so one process runs it.
 */
export const inventorySources = pgTable('inventory_sources', {
  id: id(),
  name: text('name').notNull().unique(),
  kind: text('kind').$type<InventorySourceKind>().notNull(),
  url: text('url').notNull(),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  secretCiphertext: text('secret_ciphertext'),
  /** Sync every this many seconds in the background; null: only on request. */
  intervalSeconds: integer('interval_seconds'),
  enabled: boolean('enabled').notNull().default(true),
  lastRunAt: timestamp('last_run_at', { withTimezone: true, precision: 3 }),
  lastStatus: text('last_status'),
  lastError: text('last_error'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** One sync of one source: what it created, updated, archived and skipped (with reasons), or why it failed. */
export const inventorySyncRuns = pgTable(
  'inventory_sync_runs',
  {
    id: id(),
    sourceId: uuid('source_id')
      .notNull()
      .references(() => inventorySources.id, { onDelete: 'cascade' }),
    dryRun: boolean('dry_run').notNull(),
    status: text('status').$type<'succeeded' | 'failed'>().notNull(),
    error: text('error'),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    archived: integer('archived').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    report: jsonb('report').$type<Record<string, unknown>>().notNull().default({}),
    requestedBy: text('requested_by').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, precision: 3 }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('inventory_sync_runs_source_idx').on(t.sourceId, t.createdAt.desc(), t.id.desc())],
);

export type DeviceRow = typeof devices.$inferSelect;
export type ZoneRow = typeof zones.$inferSelect;
export type CollectorRow = typeof collectors.$inferSelect;
export type InventorySourceRow = typeof inventorySources.$inferSelect;
export type InventorySyncRunRow = typeof inventorySyncRuns.$inferSelect;
export type CredentialRow = typeof credentials.$inferSelect;
export type JobRow = typeof jobs.$inferSelect;
export type BackupRow = typeof backups.$inferSelect;
export type DeviceGroupRow = typeof deviceGroups.$inferSelect;
export type CollectionGroupRow = typeof collectionGroups.$inferSelect;
export type StorageLocationRow = typeof storageLocations.$inferSelect;
export type RetentionPolicyRow = typeof retentionPolicies.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type AuthTokenRow = typeof authTokens.$inferSelect;
export type AuditLogRow = typeof auditLog.$inferSelect;
export type ScrubRuleRow = typeof scrubRules.$inferSelect;
export type BackupFilterRow = typeof backupFilters.$inferSelect;
export type BackupOriginalRow = typeof backupOriginals.$inferSelect;
export type EventRow = typeof events.$inferSelect;
export type NotificationChannelRow = typeof notificationChannels.$inferSelect;
export type AlertRuleRow = typeof alertRules.$inferSelect;
export type AlertRow = typeof alerts.$inferSelect;
export type NotificationRow = typeof notifications.$inferSelect;
export type NotificationAttemptRow = typeof notificationAttempts.$inferSelect;
