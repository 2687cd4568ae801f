/**
 * Rule evaluation, in the background and never on the job path: takes the events not yet evaluated (in
 * creation order, one evaluator at a time across processes under a transaction-scoped advisory lock), opens
 * or bumps alerts, resolves them on recovery, and writes the notifications to the outbox, all in one
 * transaction with marking the events evaluated, so a crash repeats a batch whole or not at all.
 */
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import {
  type AlertRow,
  type AlertRuleRow,
  alertRules,
  alerts,
  type EventRow,
  events,
} from '@devicevault/schema/db/tables';
import type { AlertChange, DeviceVaultPubSub } from '@devicevault/schema/pubsub';
import { and, asc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Logger } from '../log.js';
import { type DeviceFacts, loadDeviceFacts, type Purpose, renderMessage } from './message.js';
import { informationalKinds, recoveredKinds, ruleMatches } from './rule-match.js';

/** pg_advisory lock key of the evaluator ("dvalert" in ASCII). */
const evaluatorLock = 0x6476616c657274;
const batchSize = 200;

export interface EvaluatorDeps {
  db: Database;
  pubsub: DeviceVaultPubSub;
  log: Logger;
  /** The dashboard's origin, for links in messages. */
  dashboardUrl: string;
  now?: () => Date;
}

/** Evaluates one batch; returns how many events it took (0 when none are waiting or another process is at it). */
export async function evaluatePendingEvents(deps: EvaluatorDeps): Promise<{ events: number; notifications: number }> {
  const changes: AlertRow[] = [];
  let queued = 0;
  const taken = await deps.db.transaction(async (tx) => {
    const [lock] = rowsOf<{ locked: boolean }>(
      await tx.execute(sql`/* alertEvaluatorLock */ select pg_try_advisory_xact_lock(${evaluatorLock}) as locked`),
    );
    if (!lock?.locked) return 0;
    const pending = await tx
      .select()
      .from(events)
      .where(isNull(events.evaluatedAt))
      .orderBy(asc(events.createdAt), asc(events.id))
      .limit(batchSize);
    if (pending.length === 0) return 0;
    const rules = await tx.select().from(alertRules);
    const deviceIds = [...new Set(pending.flatMap((event) => (event.deviceId ? [event.deviceId] : [])))];
    const devices = await loadDeviceFacts(tx, deviceIds);
    const context = { tx, rules, deps, changes, count: () => queued++ };
    for (const event of pending) {
      await evaluateEvent(context, event, event.deviceId ? (devices.get(event.deviceId) ?? null) : null);
    }
    await tx
      .update(events)
      .set({ evaluatedAt: deps.now?.() ?? new Date() })
      .where(
        inArray(
          events.id,
          pending.map((event) => event.id),
        ),
      );
    return pending.length;
  });
  for (const alert of changes) deps.pubsub.publish('alertChanged', toAlertChange(alert));
  return { events: taken, notifications: queued };
}

interface Evaluation {
  tx: Database;
  rules: AlertRuleRow[];
  deps: EvaluatorDeps;
  changes: AlertRow[];
  count(): void;
}

async function evaluateEvent(context: Evaluation, event: EventRow, device: DeviceFacts | null) {
  const { tx, rules } = context;
  if (event.kind === 'DEVICE_RECOVERED' && event.deviceId) {
    const resolved = await tx
      .update(alerts)
      .set({ state: 'RESOLVED', resolvedAt: new Date(), resolvedEventId: event.id })
      .where(
        and(eq(alerts.deviceId, event.deviceId), ne(alerts.state, 'RESOLVED'), inArray(alerts.kind, recoveredKinds)),
      )
      .returning();
    for (const alert of resolved) {
      context.changes.push(alert);
      const rule = rules.find((candidate) => candidate.id === alert.ruleId);
      if (rule) await queueNotifications(context, rule, event, 'resolved', alert, device);
    }
  }
  for (const rule of rules) {
    if (!ruleMatches(rule, event, device)) continue;
    if (informationalKinds.has(event.kind)) {
      await queueNotifications(context, rule, event, 'resolved', null, device);
      continue;
    }
    const subject = event.deviceId ?? String(event.payload.channelId ?? 'server');
    const [row] = rowsOf<{ id: string; opened: boolean }>(
      await tx.execute(sql`
        /* openOrBumpAlert */
        insert into alerts (rule_id, kind, device_id, subject, opened_event_id, last_event_id)
        values (${rule.id}, ${event.kind}, ${event.deviceId}, ${subject}, ${event.id}, ${event.id})
        on conflict (rule_id, subject, kind) where state <> 'RESOLVED'
        do update set occurrences = alerts.occurrences + 1, last_event_id = excluded.last_event_id, last_seen_at = now()
        returning id, (xmax = 0) as opened`),
    );
    if (!row?.opened) continue;
    const [alert] = await tx.select().from(alerts).where(eq(alerts.id, row.id));
    context.changes.push(alert!);
    const purpose = event.kind === 'DELIVERY_FAILING' ? 'delivery_failing' : 'alert';
    await queueNotifications(context, rule, event, purpose, alert!, device);
  }
}

async function queueNotifications(
  context: Evaluation,
  rule: AlertRuleRow,
  event: EventRow,
  purpose: Purpose,
  alert: AlertRow | null,
  device: DeviceFacts | null,
) {
  // A failing channel is not told about itself (it would only fail again, every 24 h).
  const channelIds = rule.channelIds.filter(
    (id) => !(event.kind === 'DELIVERY_FAILING' && id === event.payload.channelId),
  );
  if (channelIds.length === 0) return;
  const { tx, deps } = context;
  const message = await renderMessage(tx, {
    event,
    purpose,
    device,
    alert: alert ? { ...alert, ruleName: rule.name } : null,
    dashboardUrl: deps.dashboardUrl,
  });
  const now = deps.now?.() ?? new Date();
  const digestMs = (rule.digestMinutes ?? 0) * 60_000;
  // A digest leaves at the end of its interval, together with every row of the same rule and channel.
  const due = digestMs > 0 ? new Date(Math.ceil((now.getTime() + 1) / digestMs) * digestMs) : now;
  const inserted = rowsOf<{ id: string }>(
    await tx.execute(sql`
      /* queueNotifications */
      insert into notifications (channel_id, event_id, alert_id, purpose, digest_key, payload, next_attempt_at)
      select c.id, ${event.id}, ${alert?.id ?? null}, ${purpose},
        ${digestMs > 0 ? sql`${rule.id} || ':' || c.id::text` : sql`null`},
        ${JSON.stringify(message)}::jsonb, ${due.toISOString()}::timestamptz
      from notification_channels c
      where c.id in (${sql.join(
        channelIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})
      on conflict (channel_id, event_id, purpose) do nothing
      returning id`),
  );
  for (const _ of inserted) context.count();
}

/** BACKUP_CHANGED alerts resolve once a later version of their device is unchanged. */
export async function resolveSettledChanges(deps: EvaluatorDeps): Promise<number> {
  const resolved = rowsOf<AlertRow>(
    await deps.db.execute(sql`
      /* resolveSettledChanges */
      update alerts a set state = 'RESOLVED', resolved_at = now()
      where a.kind = 'BACKUP_CHANGED' and a.state <> 'RESOLVED'
        and exists (select 1 from backups b where b.device_id = a.device_id and not b.changed and b.created_at > a.last_seen_at)
      returning a.id, a.rule_id as "ruleId", a.kind, a.device_id as "deviceId", a.state, a.occurrences,
        a.created_at as "createdAt", a.last_seen_at as "lastSeenAt", a.acknowledged_at as "acknowledgedAt",
        a.resolved_at as "resolvedAt", a.subject, a.opened_event_id as "openedEventId", a.last_event_id as "lastEventId",
        a.resolved_event_id as "resolvedEventId", a.acknowledged_by as "acknowledgedBy"`),
  );
  for (const alert of resolved) deps.pubsub.publish('alertChanged', toAlertChange(alert));
  return resolved.length;
}

export function toAlertChange(alert: AlertRow): AlertChange {
  const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
  return {
    id: alert.id,
    ruleId: alert.ruleId,
    kind: alert.kind,
    deviceId: alert.deviceId,
    state: alert.state,
    occurrences: alert.occurrences,
    createdAt: iso(alert.createdAt)!,
    lastSeenAt: iso(alert.lastSeenAt)!,
    acknowledgedAt: iso(alert.acknowledgedAt),
    resolvedAt: iso(alert.resolvedAt),
  };
}
