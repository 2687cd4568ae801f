/**
 * The HTTP routes of the integrations (issue 14) in one place, so app.ts routes to them with one line: the
 * Oxidized-compatible API (when enabled) and the snapshot export.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JobQueuePort } from '@devicevault/schema/context';
import type { Database } from '@devicevault/schema/db/database';
import type { BackupRow } from '@devicevault/schema/db/tables';
import { createAudit } from '../audit/audit-log.js';
import { signedUrlHolder } from '../http/download-access.js';
import type { DownloadSigner } from '../http/download-signing.js';
import { createExportRoute, isExportRequest } from '../http/exports.js';
import type { Logger } from '../log.js';
import type { StorageRegistry } from '../storage/storage-registry.js';
import { createOxidizedApi, isOxidizedRequest } from './oxidized-api/oxidized-routes.js';

export interface IntegrationRouteDeps {
  db: Database;
  log: Logger;
  storage: StorageRegistry;
  signer: DownloadSigner;
  oxidizedApi: boolean;
  enqueue: JobQueuePort['enqueue'];
  readText(backup: BackupRow): Promise<string>;
  clientAddress(request: IncomingMessage): string | null;
}

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export function createIntegrationRoutes(deps: IntegrationRouteDeps): (request: IncomingMessage) => RouteHandler | null {
  const serveOxidized = createOxidizedApi({
    db: deps.db,
    log: deps.log,
    enqueue: deps.enqueue,
    readText: deps.readText,
    audit: (viewer, request) => createAudit(deps.db, deps.log, { viewer, sourceAddress: deps.clientAddress(request) }),
  });
  const serveExport = createExportRoute({
    db: deps.db,
    storage: deps.storage,
    signer: deps.signer,
    log: deps.log,
    viewerFor: (request, userId) => signedUrlHolder(deps.db, request, userId),
    audit: (request, entry) =>
      createAudit(deps.db, deps.log, { viewer: null, sourceAddress: deps.clientAddress(request) }).record({
        action: 'export.configs',
        outcome: entry.outcome,
        actorUserId: entry.userId,
        actorLabel: entry.userId ? 'signed export URL' : 'anonymous',
        targetType: 'export',
        details: entry.details,
      }),
  });
  return (request) => {
    if (deps.oxidizedApi && isOxidizedRequest(request)) return serveOxidized;
    if (isExportRequest(request)) return serveExport;
    return null;
  };
}
