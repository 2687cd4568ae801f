/**
 * Builds the whole server process: database, storage, pool, runner, scheduler, GraphQL over HTTP and
 * WebSocket on one port, and the demo fleet. `start(port)` listens; `stop()` undoes everything.
 */
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildSchema } from '@devicevault/schema';
import type { Context } from '@devicevault/schema/context';
import type { BackupRow } from '@devicevault/schema/db/tables';
import type { DeviceVaultPubSub } from '@devicevault/schema/pubsub';
import { createYoga, maskError } from 'graphql-yoga';
import { createAlerting } from './alerting/alerting.js';
import { createAudit } from './audit/audit-log.js';
import { ensureAdmin } from './auth/bootstrap-admin.js';
import {
  type Credentials,
  clearedSessionCookie,
  presentedToken,
  resolveViewer,
  sessionCookie,
} from './auth/identity.js';
import { createLoginThrottle } from './auth/login-throttle.js';
import { passwords } from './auth/passwords.js';
import { createTokens } from './auth/tokens.js';
import { createViewerCache, useViewerCacheClearedByMutations } from './auth/viewer-cache.js';
import { createViewerRecheck } from './auth/viewer-recheck.js';
import { createCollectorHub } from './collectors/collector-hub.js';
import { createCollectorRoutes, isCollectorRequest } from './collectors/collector-routes.js';
import { type OpenDatabase, openDatabase } from './db/open-database.js';
import { type DemoFleet, startDemoFleet } from './demo/demo-fleet.js';
import { createDeviceAccess } from './device-access.js';
import { defaultSessionsPerWorker, type Env } from './env.js';
import { limitBody } from './http/body-limit.js';
import { createClientAddress } from './http/client-address.js';
import { cookieFromTrustedOrigin, corsFor } from './http/cors.js';
import { createDownloadAccess } from './http/download-access.js';
import { createDownloadSigner, loadDownloadKey } from './http/download-signing.js';
import { type AuthorizeDownload, createDownloadRoute, isDownloadRequest } from './http/downloads.js';
import { type ExportQuery, signedExportPath } from './http/exports.js';
import { attachGraphqlWs } from './http/graphql-ws.js';
import { createHealthRoutes, isHealthRequest } from './http/health.js';
import { useQueryLimits } from './http/limits.js';
import { createMetrics } from './http/metrics.js';
import { refuseUnparsableHost, useRequestErrorStatus } from './http/request-errors.js';
import { setSecurityHeaders, useGraphiqlContentSecurityPolicy } from './http/security-headers.js';
import { createIntegrationRoutes } from './integrations/integration-routes.js';
import { createInventoryService } from './integrations/inventory/inventory-service.js';
import { createCancelJob } from './jobs/cancel-job.js';
import { createEnqueue } from './jobs/enqueue.js';
import { createCollectPool } from './jobs/pool.js';
import { createPruner } from './jobs/pruner.js';
import { createJobRunner } from './jobs/runner.js';
import { createScheduler } from './jobs/scheduler.js';
import { createLogger, type Logger } from './log.js';
import { createDeviceVaultPubSub } from './pubsub.js';
import { createSecretBox, loadSecretKey } from './secrets/secret-box.js';
import { deleteDeviceHistory } from './storage/delete-device-history.js';
import { createGitMirrors } from './storage/git-mirror.js';
import { readText } from './storage/read-text.js';
import { createStorageRegistry } from './storage/storage-registry.js';
import { createChangeTrigger } from './triggers/change-trigger.js';
import { createDeviceChangedHook, isDeviceChangedHook } from './triggers/device-changed-hook.js';
import { createSyslogReceiver } from './triggers/syslog-receiver.js';

// The largest file a remote collector may upload for one job (text configs are capped far lower).
const maxCollectorUploadBytes = 2 * 1024 * 1024 * 1024;

export interface App {
  database: OpenDatabase;
  log: Logger;
  /** The process's typed pubsub (tests publish on it to check subscription filtering). */
  pubsub: DeviceVaultPubSub;
  start(port?: number): Promise<{ port: number; url: string }>;
  stop(): Promise<void>;
  /** The syslog receiver's port (UDP and TCP) once started, or null when it is off. */
  syslogPort(): number | null;
}

export async function buildApp(
  env: Env,
  options: {
    log?: Logger;
    authorizeDownload?: AuthorizeDownload;
    /** The clock schedules and due jobs follow (tests fake time); and how often the scheduler looks. */
    clock?: () => Date;
    schedulerTickMs?: number;
    /** How often background inventory syncs look for due sources (default 15 s). */
    inventoryTickMs?: number;
  } = {},
): Promise<App> {
  const log = options.log ?? createLogger(env.logLevel);
  await mkdir(env.dataDir, { recursive: true });
  const database = await openDatabase({ url: env.databaseUrl, pgliteDir: join(env.dataDir, 'pglite') });
  const { db } = database;
  const secrets = createSecretBox(await loadSecretKey(env.secretKey, env.dataDir));
  const mirrors = createGitMirrors({
    db,
    log,
    dataDir: env.dataDir,
    decrypt: (ciphertext) => secrets.decrypt(ciphertext),
  });
  const storage = createStorageRegistry({
    db,
    dataDir: env.dataDir,
    log,
    afterGitCommit: (locationId) => mirrors.pushSoon(locationId),
  });
  const pruner = createPruner({ db, storage, log, intervalMs: (env.pruneIntervalMinutes ?? 60) * 60_000 });
  const signer = createDownloadSigner(
    await loadDownloadKey(env.downloadKey, env.dataDir),
    env.downloadTtlSeconds ?? 300,
  );
  // Download URLs are absolute: the dashboard runs on another origin. Known once we listen, unless configured.
  const clientAddress = createClientAddress(env.trustedProxies ?? []);
  let publicOrigin = env.publicUrl?.replace(/\/+$/, '') ?? '';
  const serveDownload = createDownloadRoute({
    db,
    storage,
    signer,
    authorizeDownload: options.authorizeDownload ?? createDownloadAccess(db),
    secrets,
    audit: (request, entry) =>
      createAudit(db, log, { viewer: null, sourceAddress: clientAddress(request) }).record({
        action: entry.variant === 'original' ? 'backup.original.download' : 'backup.download',
        outcome: entry.outcome,
        actorUserId: entry.userId,
        actorLabel: entry.userId ? 'signed download URL' : 'anonymous',
        targetType: 'backup',
        targetId: entry.backupId.slice(0, 100),
        details: entry.reason ? { reason: entry.reason } : {},
      }),
    log,
  });
  const events = await createDeviceVaultPubSub(database, log);
  // Identities are kept 5 s; an auth change (triggers of migration 0010) or a reconnect clears them at once.
  const viewers = createViewerCache((token) => resolveViewer(db, token), 5_000);
  const stopAuthListen = await database.listen('devicevault_auth', viewers.clear, viewers.clear);
  const { pubsub } = events;
  const sessionsPerWorker = env.sessionsPerWorker ?? defaultSessionsPerWorker(env.workers);
  const pool = createCollectPool(env.workers, { sessionsPerWorker });
  // What running a job needs, shared by the server's own runner and its remote collectors' jobs.
  const jobDeps = {
    db,
    storage,
    secrets,
    pubsub,
    log,
    spoolRoot: join(env.dataDir, 'spool'),
    defaultTimeoutSeconds: env.jobTimeoutSeconds,
    leaseMs: (env.jobLeaseSeconds ?? 60) * 1000,
    maxTextBytes: env.maxTextBytes,
    maxShrinkPercent: env.suspectShrinkPercent,
    afterBackup: (deviceId: string) => pruner.schedule(deviceId),
    retryBaseMs: (env.retryBaseSeconds ?? 30) * 1000,
    maxConcurrentJobs: env.maxConcurrentJobs ?? null,
    now: options.clock,
  };
  const runner = createJobRunner({ ...jobDeps, pool, concurrency: env.workers * sessionsPerWorker });
  // Remote collectors' jobs run through the same run-job.ts; only their collection happens elsewhere.
  const collectorHub = createCollectorHub({ ...jobDeps, pool, maxUploadBytes: maxCollectorUploadBytes });
  const enqueue = createEnqueue({ db, pubsub, log, wake: () => runner.wake(), now: options.clock });
  const scheduler = createScheduler({ db, log, pubsub, enqueue, now: options.clock, tickMs: options.schedulerTickMs });
  const changeTrigger = createChangeTrigger({
    db,
    enqueue,
    debounceMs: (env.changeDebounceSeconds ?? 30) * 1000,
    now: options.clock,
  });
  const syslog = env.syslogPort === undefined ? null : createSyslogReceiver({ trigger: changeTrigger, log });
  let syslogPort: number | null = null;
  const serveDeviceChangedHook = createDeviceChangedHook({ db, log, trigger: changeTrigger, clientAddress });

  await ensureAdmin(db, env.adminPassword, log);
  const tokens = createTokens(db);
  const loginThrottle = createLoginThrottle(db);
  const inventory = createInventoryService({
    db,
    log,
    decrypt: (ciphertext) => secrets.decrypt(ciphertext),
    tickMs: options.inventoryTickMs,
  });
  const integrationRoute = createIntegrationRoutes({
    db,
    log,
    storage,
    signer,
    oxidizedApi: env.oxidizedApi ?? false,
    enqueue,
    readText: (backup) => readText(db, storage, backup),
    clientAddress,
  });
  // Alerting runs beside the runner, never inside it: it reads the event rows the runner writes.
  const alerting = createAlerting({
    db,
    pubsub,
    log,
    // The dashboard's origin (the first, when several are allowed) for links in messages.
    dashboardUrl: (env.webOrigin.split(',')[0] ?? '').trim().replace(/\/+$/, ''),
    decrypt: (ciphertext) => secrets.decrypt(ciphertext),
    retryBaseMs: (env.notifyRetryBaseSeconds ?? 30) * 1000,
    sendTimeoutMs: (env.notifyTimeoutSeconds ?? 10) * 1000,
  });
  const shared = {
    db,
    pubsub,
    secrets: {
      encrypt: (plaintext: string) => secrets.encrypt(plaintext),
      resealJson: (ciphertext: string, patch: Record<string, string | null>) => secrets.resealJson(ciphertext, patch),
    },
    backupContent: { readText: (backup: BackupRow) => readText(db, storage, backup) },
    downloads: {
      urlFor: (backup: BackupRow, userId: string | null) => `${publicOrigin}${signer.pathFor(backup.id, userId)}`,
      originalUrlFor: (backup: BackupRow, userId: string | null) =>
        `${publicOrigin}${signer.pathFor(backup.id, userId, Date.now(), 'original')}`,
    },
    jobQueue: { enqueue, cancel: createCancelJob({ db, pubsub }) },
    exports: {
      configsZipUrl: (query: ExportQuery, userId: string) =>
        `${publicOrigin}${signedExportPath(signer, query, userId)}`,
    },
    inventory: inventory.port,
    gitMirrors: { pushSoon: (locationId: string) => mirrors.pushSoon(locationId) },
    alerting: { sendTest: (channelId: string) => alerting.sendTest(channelId) },
    deviceAccess: createDeviceAccess(db),
    deviceHistory: { deleteDevice: (deviceId: string) => deleteDeviceHistory({ db, storage, log }, deviceId) },
    passwords,
    tokens,
    loginThrottle,
  } satisfies Partial<Context>;
  const secureCookies = env.publicUrl?.startsWith('https:') ?? false;

  /** One context per HTTP request or WebSocket connection: who is calling, from where, and their cookie jar. */
  async function contextFor(request: {
    credentials: Credentials;
    sourceAddress: string | null;
    setCookie?: (cookie: string) => void;
  }): Promise<Context> {
    const token = presentedToken(request.credentials);
    const viewer = await viewers.resolve(token);
    let checked = { at: Date.now(), viewer };
    const audit = createAudit(db, log, { viewer, sourceAddress: request.sourceAddress });
    if (viewer?.via === 'api')
      await audit.record({ action: 'token.use', outcome: 'success', targetType: 'token', targetId: viewer.tokenId });
    return {
      ...shared,
      viewer,
      async currentViewer() {
        if (Date.now() - checked.at >= viewerRecheckMs) checked = await recheckViewer(token);
        return checked.viewer;
      },
      currentViewerIfFresh: () => (Date.now() - checked.at < viewerRecheckMs ? checked.viewer : undefined),
      sourceAddress: request.sourceAddress,
      audit,
      sessionCookie: {
        set: (token, expiresAt) => request.setCookie?.(sessionCookie(token, expiresAt, secureCookies)),
        clear: () => request.setCookie?.(clearedSessionCookie()),
      },
    };
  }

  // How stale a subscription's view of its caller may get before it is re-read from the database.
  const viewerRecheckMs = 5_000;
  const recheckViewer = createViewerRecheck((token) => resolveViewer(db, token), viewerRecheckMs);
  const pendingCookies = new WeakMap<Request, string[]>();
  const trustedCookie = cookieFromTrustedOrigin(env.webOrigin);
  const yoga = createYoga<{ req?: IncomingMessage; connectionParams?: Record<string, unknown> }>({
    schema: buildSchema(),
    graphqlEndpoint: '/graphql',
    graphiql: env.graphiql === false ? false : { subscriptionsProtocol: 'WS' },
    landingPage: false,
    cors: corsFor(env.webOrigin),
    logging: false,
    // Unexpected errors reach clients as "Unexpected error." (never in dev mode's detail); typed GraphQLErrors
    // (UNAUTHENTICATED, FORBIDDEN, BINARY_CONTENT, limits…) pass unchanged. Masked ones are logged here.
    maskedErrors: {
      isDev: false,
      maskError(error, message) {
        const masked = maskError(error, message, false);
        if (masked !== error) {
          const original = (error as { originalError?: unknown }).originalError ?? error;
          log.error('unexpected error while serving GraphQL', { error: String(original).slice(0, 500) });
        }
        return masked;
      },
    },
    context: async (initial) => {
      const request = (initial as { request?: Request }).request;
      const upgrade = initial.req;
      if (request && !initial.connectionParams) {
        return contextFor({
          credentials: {
            authorization: request.headers.get('authorization'),
            cookie: trustedCookie({
              cookie: request.headers.get('cookie'),
              origin: request.headers.get('origin'),
              host: request.headers.get('host'),
            }),
          },
          sourceAddress: clientAddress(upgrade),
          setCookie: (cookie) => pendingCookies.set(request, [...(pendingCookies.get(request) ?? []), cookie]),
        });
      }
      // graphql-ws: connection params first (scripts), else the upgrade request's cookie (browsers).
      const params = initial.connectionParams ?? {};
      return contextFor({
        credentials: {
          authorization: typeof params.authorization === 'string' ? params.authorization : null,
          cookie: trustedCookie({
            cookie: upgrade?.headers.cookie,
            origin: upgrade?.headers.origin,
            host: upgrade?.headers.host,
          }),
        },
        sourceAddress: clientAddress(upgrade),
      });
    },
    plugins: [
      useQueryLimits(),
      useRequestErrorStatus(),
      useGraphiqlContentSecurityPolicy(),
      useViewerCacheClearedByMutations(viewers),
      {
        onResponse({ request, response }) {
          for (const cookie of pendingCookies.get(request) ?? []) response.headers.append('set-cookie', cookie);
        },
      },
    ],
  });

  let server: Server | undefined;
  let ws: ReturnType<typeof attachGraphqlWs> | undefined;
  let demo: DemoFleet | undefined;

  const collectorRoutes = createCollectorRoutes({
    db,
    hub: collectorHub,
    pubsub,
    log,
    leaseMs: jobDeps.leaseMs,
    clientAddress,
    // A finish carries the unmasked original config (in memory only, as from a local worker) beside the outcome.
    maxJsonBytes: 2 * env.maxTextBytes + 1024 * 1024,
    maxUploadBytes: maxCollectorUploadBytes,
  });

  const serveHealth = createHealthRoutes({
    db,
    databaseKind: database.kind,
    metrics: createMetrics({ db, graphqlSubscriptions: () => ws?.subscriptions() ?? 0 }),
    authenticated: async (request) => {
      const cookie = trustedCookie({
        cookie: request.headers.cookie ?? null,
        origin: request.headers.origin ?? null,
        host: request.headers.host ?? null,
      });
      return (
        (await resolveViewer(db, presentedToken({ authorization: request.headers.authorization, cookie }))) !== null
      );
    },
  });

  return {
    database,
    log,
    pubsub,
    async start(port = env.port) {
      const serveGraphql = refuseUnparsableHost(limitBody((request, response) => void yoga(request, response)));
      server = createServer((request, response) => {
        setSecurityHeaders(response, { https: secureCookies });
        if (isHealthRequest(request)) void serveHealth(request, response);
        else if (isDownloadRequest(request)) void serveDownload(request, response);
        else if (isCollectorRequest(request)) void collectorRoutes.serve(request, response);
        else if (isDeviceChangedHook(request)) void serveDeviceChangedHook(request, response);
        else if (integrationRoute(request)) void integrationRoute(request)!(request, response);
        else serveGraphql(request, response);
      });
      ws = attachGraphqlWs(server, yoga as never, log);
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, env.host, () => resolve());
      });
      const actualPort = (server.address() as AddressInfo).port;
      if (!publicOrigin)
        publicOrigin = `http://${['0.0.0.0', '::'].includes(env.host) ? 'localhost' : env.host}:${actualPort}`;
      runner.start();
      alerting.start();
      if (syslog) syslogPort = await syslog.start(env.syslogPort!, env.syslogHost ?? '0.0.0.0');
      pruner.start();
      await scheduler.start();
      inventory.start();
      void mirrors.pushAll();
      if (env.demo) demo = await startDemoFleet({ db, secrets, dataDir: env.dataDir, log, enqueue });
      log.info('DeviceVault server listening', { port: actualPort, database: database.kind });
      return { port: actualPort, url: `http://127.0.0.1:${actualPort}` };
    },
    syslogPort: () => syslogPort,
    async stop() {
      scheduler.stop();
      await inventory.stop();
      await mirrors.stop();
      await syslog?.stop();
      await collectorRoutes.stop();
      await collectorHub.stop();
      await runner.stop();
      await alerting.stop();
      await pruner.stop();
      await demo?.stop();
      await ws?.close();
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await pool.close();
      await stopAuthListen();
      await events.close();
      await database.close();
    },
  };
}
