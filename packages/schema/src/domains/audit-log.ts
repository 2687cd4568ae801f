/**
 * The audit log, read side (admins only): every mutation, sign-in, API token use and content view or
 * download. Rows are written by `audit-mutations.ts` and `ctx.audit.record`, never through this API.
 */
import { and, eq, gte, lt } from 'drizzle-orm';
import { builder } from '../builder.js';
import { type AuditLogRow, auditLog, users } from '../db/tables.js';
import { isUuid } from '../errors.js';
import { newestFirstConnection } from '../pagination.js';
import { UserType } from './auth.js';

const AuditLogEntryType = builder.objectRef<AuditLogRow>('AuditLogEntry').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    action: t.exposeString('action', {
      description: 'A mutation name (`createDevice`, `login`, …) or an event (`token.use`, `backup.content.view`).',
    }),
    outcome: t.exposeString('outcome', { description: 'success | failure | denied' }),
    actorUserId: t.exposeID('actorUserId', { nullable: true }),
    actorLabel: t.exposeString('actorLabel', {
      description: 'The username at the time (for failed sign-ins: the name tried), or "anonymous".',
    }),
    actor: t.field({
      type: UserType,
      nullable: true,
      resolve: async (row, _args, ctx) => {
        if (!row.actorUserId) return null;
        const [user] = await ctx.db.select().from(users).where(eq(users.id, row.actorUserId));
        return user ?? null;
      },
    }),
    targetType: t.exposeString('targetType', { nullable: true }),
    targetId: t.exposeString('targetId', { nullable: true }),
    sourceAddress: t.exposeString('sourceAddress', { nullable: true }),
    details: t.expose('details', { type: 'JSONObject' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const AuditLogFilter = builder.inputType('AuditLogFilter', {
  description: 'Every given field must match; `from` is inclusive and `to` exclusive.',
  fields: (t) => ({
    actorUserId: t.id({ required: false }),
    action: t.string({ required: false }),
    outcome: t.string({ required: false, description: 'success | failure | denied' }),
    targetId: t.string({ required: false }),
    from: t.field({ type: 'DateTime', required: false }),
    to: t.field({ type: 'DateTime', required: false }),
  }),
});

builder.queryField('auditLog', (t) =>
  t.connection({
    type: AuditLogEntryType,
    authScopes: { admin: true },
    description: 'Audit entries, newest first (admins only).',
    args: { filter: t.arg({ type: AuditLogFilter, required: false }) },
    resolve: (_root, { filter, ...args }, ctx) => {
      const actor = filter?.actorUserId;
      const where = and(
        actor ? (isUuid(actor) ? eq(auditLog.actorUserId, actor) : eq(auditLog.id, nullUuid)) : undefined,
        filter?.action ? eq(auditLog.action, filter.action) : undefined,
        filter?.outcome ? eq(auditLog.outcome, filter.outcome as AuditLogRow['outcome']) : undefined,
        filter?.targetId ? eq(auditLog.targetId, filter.targetId) : undefined,
        filter?.from ? gte(auditLog.createdAt, filter.from) : undefined,
        filter?.to ? lt(auditLog.createdAt, filter.to) : undefined,
      );
      return newestFirstConnection(args, auditLog, (page) =>
        ctx.db
          .select()
          .from(auditLog)
          .where(and(where, page.where))
          .orderBy(...page.orderBy)
          .limit(page.limit),
      );
    },
  }),
);

// Matches no row: an actor id that is not a uuid can have no entries.
const nullUuid = '00000000-0000-0000-0000-000000000000';
