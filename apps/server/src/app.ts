/**
 * Builds the whole server process: database, storage, pool, runner, scheduler, GraphQL over HTTP and
 * WebSocket on one port, and the demo fleet. `start(port)` listens; `stop()` undoes everything.
 */
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Context } from '@devicevault/schema/context';
import { type OpenDatabase, openDatabase } from '@devicevault/schema/db/client';
import { buildSchema } from '@devicevault/schema/schema';
import { createYoga } from 'graphql-yoga';
import { type DemoFleet, startDemoFleet } from './demo/demo-fleet.js';
import type { Env } from './env.js';
import { attachGraphqlWs } from './http/graphql-ws.js';
import { createCollectPool } from './jobs/pool.js';
import { createJobRunner } from './jobs/runner.js';
import { createScheduler } from './jobs/scheduler.js';
import { createLogger, type Logger } from './log.js';
import { createDeviceVaultPubSub } from './pubsub.js';
import { createSecretBox, loadSecretKey } from './secrets/secret-box.js';
import { createFsBackupStore } from './storage/fs-backup-store.js';
import { readText } from './storage/read-text.js';

export interface App {
  database: OpenDatabase;
  log: Logger;
  start(port?: number): Promise<{ port: number; url: string }>;
  stop(): Promise<void>;
}

export async function buildApp(env: Env, options: { log?: Logger } = {}): Promise<App> {
  const log = options.log ?? createLogger(env.logLevel);
  await mkdir(env.dataDir, { recursive: true });
  const database = await openDatabase({ url: env.databaseUrl, pgliteDir: join(env.dataDir, 'pglite') });
  const { db } = database;
  const secrets = createSecretBox(await loadSecretKey(env.secretKey, env.dataDir));
  const store = createFsBackupStore(join(env.dataDir, 'blobs'));
  const pubsub = createDeviceVaultPubSub();
  const pool = createCollectPool(env.workers);
  const runner = createJobRunner({
    db,
    pool,
    store,
    secrets,
    pubsub,
    log,
    spoolRoot: join(env.dataDir, 'spool'),
    concurrency: env.workers * 2,
    defaultTimeoutSeconds: env.jobTimeoutSeconds,
    maxTextBytes: env.maxTextBytes,
  });
  const scheduler = createScheduler({ db, log, onQueued: () => runner.wake() });

  const context: Context = {
    db,
    pubsub,
    secrets: { encrypt: (plaintext) => secrets.encrypt(plaintext) },
    backupContent: { readText: (backup) => readText(store, backup) },
    downloads: { urlFor: () => null },
    jobQueue: { jobQueued: () => runner.wake() },
  };
  const yoga = createYoga({
    schema: buildSchema(),
    graphqlEndpoint: '/graphql',
    graphiql: { subscriptionsProtocol: 'WS' },
    cors: { origin: env.webOrigin, credentials: true },
    context: () => context,
    logging: false,
  });

  let server: Server | undefined;
  let ws: ReturnType<typeof attachGraphqlWs> | undefined;
  let demo: DemoFleet | undefined;

  return {
    database,
    log,
    async start(port = env.port) {
      server = createServer(yoga);
      ws = attachGraphqlWs(server, yoga as never);
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, env.host, () => resolve());
      });
      const actualPort = (server.address() as AddressInfo).port;
      runner.start();
      await scheduler.start();
      if (env.demo)
        demo = await startDemoFleet({ db, secrets, dataDir: env.dataDir, log, onQueued: () => runner.wake() });
      log.info('DeviceVault server listening', { port: actualPort, database: database.kind });
      return { port: actualPort, url: `http://127.0.0.1:${actualPort}` };
    },
    async stop() {
      scheduler.stop();
      await runner.stop();
      await demo?.stop();
      await ws?.close();
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await pool.close();
      await database.close();
    },
  };
}
