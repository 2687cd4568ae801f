/** Writes audit rows. A failing audit write is logged but never breaks the action being audited. */
import type { AuditEntry, AuditPort } from '@devicevault/schema/context';
import type { Database } from '@devicevault/schema/db/database';
import { auditLog } from '@devicevault/schema/db/tables';
import type { Viewer } from '@devicevault/schema/policy';
import type { Logger } from '../log.js';

export function createAudit(
  db: Database,
  log: Logger,
  actor: { viewer: Viewer | null; sourceAddress: string | null },
): AuditPort {
  return {
    async record(entry: AuditEntry) {
      try {
        await db.insert(auditLog).values({
          actorUserId: entry.actorUserId ?? actor.viewer?.userId ?? null,
          actorLabel: entry.actorLabel ?? actor.viewer?.username ?? 'anonymous',
          action: entry.action,
          targetType: entry.targetType ?? null,
          targetId: entry.targetId ?? null,
          sourceAddress: actor.sourceAddress,
          outcome: entry.outcome,
          details: entry.details ?? {},
        });
      } catch (error) {
        log.error('audit write failed', { action: entry.action, error: String(error) });
      }
    },
  };
}
