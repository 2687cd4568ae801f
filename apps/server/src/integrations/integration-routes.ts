/**
 * The HTTP routes of the integrations (issue 14) in one place, so app.ts routes to them with one line: the
 * Oxidized-compatible API (when enabled) and the snapshot export.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JobQueuePort } from '@devicevault/schema/context';
import type { Database } from '@devicevault/schema/db/database';
import type { BackupRow } from '@devicevault/schema/db/tables';
import { createAudit } from '../audit/audit-log.js';
import type { Logger } from '../log.js';
import { createOxidizedApi, isOxidizedRequest } from './oxidized-api/oxidized-routes.js';

export interface IntegrationRouteDeps {
  db: Database;
  log: Logger;
  oxidizedApi: boolean;
  enqueue: JobQueuePort['enqueue'];
  readText(backup: BackupRow): Promise<string>;
  clientAddress(request: IncomingMessage): string | null;
  /** Further routes (the snapshot export), tried in order. */
  extra?: {
    matches(request: IncomingMessage): boolean;
    serve(request: IncomingMessage, response: ServerResponse): Promise<void>;
  }[];
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
  return (request) => {
    if (deps.oxidizedApi && isOxidizedRequest(request)) return serveOxidized;
    for (const route of deps.extra ?? []) if (route.matches(request)) return route.serve;
    return null;
  };
}
