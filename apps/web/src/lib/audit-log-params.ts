// The audit log page's filters and page as URL parameters, so Back and shared links restore them.
import { firstParam, type SearchParamValue } from './search-params';

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export type AuditLogParams = {
  action: string | null;
  /** The acting user's id. */
  user: string | null;
  outcome: AuditOutcome | null;
  target: string | null;
  /** A calendar date (YYYY-MM-DD), from its start in UTC. */
  since: string | null;
  after: string | null;
};

export function parseAuditLogParams(raw: Record<string, SearchParamValue>): AuditLogParams {
  const outcome = firstParam(raw.outcome);
  const since = firstParam(raw.since);
  return {
    action: firstParam(raw.action),
    user: firstParam(raw.user),
    outcome: AUDIT_OUTCOMES.find((candidate) => candidate === outcome) ?? null,
    target: firstParam(raw.target),
    since: since && /^\d{4}-\d{2}-\d{2}$/.test(since) && !Number.isNaN(Date.parse(since)) ? since : null,
    after: firstParam(raw.after),
  };
}

export function auditLogHref(params: AuditLogParams): string {
  const query = new URLSearchParams();
  if (params.action) query.set('action', params.action);
  if (params.user) query.set('user', params.user);
  if (params.outcome) query.set('outcome', params.outcome);
  if (params.target) query.set('target', params.target);
  if (params.since) query.set('since', params.since);
  if (params.after) query.set('after', params.after);
  const text = query.toString();
  return text ? `/admin/audit?${text}` : '/admin/audit';
}

/** The API's filter for these parameters. */
export function auditLogFilter(params: AuditLogParams) {
  return {
    action: params.action,
    actorUserId: params.user,
    outcome: params.outcome,
    targetId: params.target,
    from: params.since ? new Date(`${params.since}T00:00:00Z`).toISOString() : null,
  };
}
