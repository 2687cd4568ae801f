/** The only place that reads process.env (STYLE.md 5): parsed once, every problem reported. */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { isProxyEntry } from './http/client-address.js';

const flag = z.enum(['0', '1', 'true', 'false']).transform((value) => value === '1' || value === 'true');

/**
 * Collection threads by default: the cores the main thread (database, API, storing) leaves, at least 1, at most 4.
 * A thread beyond them only adds its own compiling and garbage collection: on 2 cores, 1 thread measured about a
 * sixth less CPU per job than 2 (bench/collection-throughput.ts, interleaved runs), at the same throughput.
 */
export const defaultWorkers = Math.max(1, Math.min(4, availableParallelism() - 1));

/** Collections at once by default, whatever the thread count (sessions wait on the network; threads are for CPU). */
const defaultSessions = 128;

/** The default sessions per thread: 128 in all, as the 2-thread default of 64 each ran before. */
export function defaultSessionsPerWorker(workers: number): number {
  return Math.ceil(defaultSessions / workers);
}

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.url().optional(),
  DEVICEVAULT_DATA_DIR: z.string().default('./data'),
  DEVICEVAULT_SECRET_KEY: z
    .string()
    .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, 'must be 32 bytes as 64 hex characters or base64')
    .optional(),
  DEVICEVAULT_DEMO: flag.default(true),
  DEVICEVAULT_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  DEVICEVAULT_DOWNLOAD_KEY: z
    .string()
    .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, 'must be 32 bytes as 64 hex characters or base64')
    .optional(),
  DEVICEVAULT_DOWNLOAD_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  DEVICEVAULT_PRUNE_INTERVAL_MINUTES: z.coerce.number().int().min(1).default(60),
  DEVICEVAULT_WORKERS: z.coerce.number().int().min(1).max(64).default(defaultWorkers),
  DEVICEVAULT_SESSIONS_PER_WORKER: z.coerce.number().int().min(1).max(1000).optional(),
  DEVICEVAULT_JOB_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(120),
  DEVICEVAULT_JOB_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  DEVICEVAULT_MAX_TEXT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
  DEVICEVAULT_SUSPECT_SHRINK_PERCENT: z.coerce.number().int().min(1).max(100).default(50),
  DEVICEVAULT_RETRY_BASE_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  DEVICEVAULT_MAX_CONCURRENT_JOBS: z.coerce.number().int().min(1).optional(),
  DEVICEVAULT_SYSLOG_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  DEVICEVAULT_SYSLOG_HOST: z.string().default('0.0.0.0'),
  DEVICEVAULT_CHANGE_DEBOUNCE_SECONDS: z.coerce.number().min(0).max(86_400).default(30),
  DEVICEVAULT_OXIDIZED_API: flag.default(false),
  DEVICEVAULT_NOTIFY_RETRY_BASE_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  DEVICEVAULT_NOTIFY_TIMEOUT_SECONDS: z.coerce.number().min(1).max(300).default(10),
  DEVICEVAULT_PUBLIC_URL: z.url().optional(),
  DEVICEVAULT_WEB_ORIGIN: z.string().default('http://localhost:3000'),
  DEVICEVAULT_TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .refine((entries) => entries.every(isProxyEntry), 'must be comma-separated IP addresses or CIDRs'),
  DEVICEVAULT_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  NODE_ENV: z.string().optional(),
});

export type Env = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  secretKey: string | undefined;
  demo: boolean;
  /** The first admin's password on a fresh database; generated and printed once when unset. */
  adminPassword: string | undefined;
  /** HMAC key for download URLs; a `download.key` file in the data dir when unset. */
  downloadKey?: string;
  /** How long a signed download URL stays valid (default 300 s). */
  downloadTtlSeconds?: number;
  /** How often the pruner enforces retention on every device (default 60 min; it also runs after backups). */
  pruneIntervalMinutes?: number;
  workers: number;
  /**
   * Collections one worker thread runs at once (default: 128 in all, shared by the threads): sessions mostly wait on the network, so threads are
   * for CPU and sessions share them; the global and collection-group caps limit the total.
   */
  sessionsPerWorker?: number;
  jobTimeoutSeconds: number;
  /** How long a job's claim lasts without a heartbeat (default 60 s); a dead process's jobs are retried after it. */
  jobLeaseSeconds?: number;
  maxTextBytes: number;
  /** A text version this many percent smaller than the previous one fails as `suspect_output` (default 50; 100 = off). */
  suspectShrinkPercent?: number;
  /** The first retry's delay after a transient failure (doubles per attempt, plus jitter); default 30 s. */
  retryBaseSeconds?: number;
  /** Jobs running at once across every server process on the database; unlimited when unset. */
  maxConcurrentJobs?: number;
  /** UDP and TCP port of the syslog receiver for change-triggered backups; off when unset. */
  syslogPort?: number;
  syslogHost?: string;
  /** Change messages for one device within this many seconds queue one backup (default 30 s). */
  changeDebounceSeconds?: number;
  /** Serve the Oxidized-compatible REST API under /oxidized/ (off by default). */
  oxidizedApi?: boolean;
  /** The first retry's delay of a failed notification (doubles per attempt, ≤ 1 h, for 24 h); default 30 s. */
  notifyRetryBaseSeconds?: number;
  /** A notification send that takes longer is aborted and retried; default 10 s. */
  notifyTimeoutSeconds?: number;
  publicUrl: string | undefined;
  webOrigin: string;
  /** Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs); none by default. */
  trustedProxies?: string[];
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Serve GraphiQL on GET /graphql; off when NODE_ENV=production. */
  graphiql?: boolean;
};

/** What a child process (git) inherits: this process's environment plus `overrides`. */
export function childProcessEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // An empty variable (`DATABASE_URL=`) means unset, as shells and .env files commonly write it.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      console.error(`invalid environment: ${issue.path.join('.')}: ${issue.message}`);
    process.exit(1);
  }
  const env = parsed.data;
  return {
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    dataDir: resolve(env.DEVICEVAULT_DATA_DIR),
    secretKey: env.DEVICEVAULT_SECRET_KEY,
    demo: env.DEVICEVAULT_DEMO,
    adminPassword: env.DEVICEVAULT_ADMIN_PASSWORD,
    downloadKey: env.DEVICEVAULT_DOWNLOAD_KEY,
    downloadTtlSeconds: env.DEVICEVAULT_DOWNLOAD_TTL_SECONDS,
    pruneIntervalMinutes: env.DEVICEVAULT_PRUNE_INTERVAL_MINUTES,
    workers: env.DEVICEVAULT_WORKERS,
    sessionsPerWorker: env.DEVICEVAULT_SESSIONS_PER_WORKER ?? defaultSessionsPerWorker(env.DEVICEVAULT_WORKERS),
    jobTimeoutSeconds: env.DEVICEVAULT_JOB_TIMEOUT_SECONDS,
    jobLeaseSeconds: env.DEVICEVAULT_JOB_LEASE_SECONDS,
    maxTextBytes: env.DEVICEVAULT_MAX_TEXT_BYTES,
    suspectShrinkPercent: env.DEVICEVAULT_SUSPECT_SHRINK_PERCENT,
    retryBaseSeconds: env.DEVICEVAULT_RETRY_BASE_SECONDS,
    maxConcurrentJobs: env.DEVICEVAULT_MAX_CONCURRENT_JOBS,
    syslogPort: env.DEVICEVAULT_SYSLOG_PORT,
    syslogHost: env.DEVICEVAULT_SYSLOG_HOST,
    changeDebounceSeconds: env.DEVICEVAULT_CHANGE_DEBOUNCE_SECONDS,
    oxidizedApi: env.DEVICEVAULT_OXIDIZED_API,
    notifyRetryBaseSeconds: env.DEVICEVAULT_NOTIFY_RETRY_BASE_SECONDS,
    notifyTimeoutSeconds: env.DEVICEVAULT_NOTIFY_TIMEOUT_SECONDS,
    publicUrl: env.DEVICEVAULT_PUBLIC_URL,
    webOrigin: env.DEVICEVAULT_WEB_ORIGIN,
    trustedProxies: env.DEVICEVAULT_TRUSTED_PROXIES,
    logLevel: env.DEVICEVAULT_LOG_LEVEL,
    graphiql: env.NODE_ENV !== 'production',
  };
}
