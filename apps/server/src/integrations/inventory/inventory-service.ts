/** Wires syncs (on request and in the background) to the server's database, secret box and audit log. */
import type { InventoryPort } from '@devicevault/schema/context';
import type { Database } from '@devicevault/schema/db/database';
import { createAudit } from '../../audit/audit-log.js';
import type { Logger } from '../../log.js';
import { createInventoryScheduler } from './inventory-scheduler.js';
import { syncInventorySource } from './sync-inventory.js';

export function createInventoryService(deps: {
  db: Database;
  log: Logger;
  decrypt(ciphertext: string): string;
  tickMs?: number;
}) {
  const port: InventoryPort = {
    sync: (sourceId, options) =>
      syncInventorySource(
        {
          db: deps.db,
          decrypt: deps.decrypt,
          audit: createAudit(deps.db, deps.log, { viewer: null, sourceAddress: null }),
        },
        sourceId,
        options,
      ),
  };
  const scheduler = createInventoryScheduler({
    db: deps.db,
    log: deps.log,
    tickMs: deps.tickMs,
    sync: (sourceId) => port.sync(sourceId, { dryRun: false, requestedBy: 'scheduler' }),
  });
  return { port, start: () => scheduler.start(), stop: () => scheduler.stop() };
}
