/**
 * The outbox sender, in the background: claims due notifications with FOR UPDATE SKIP LOCKED and a lease
 * (several processes share the table), sends each (a digest's rows together, however many), and records every
 * attempt in the delivery log. A failure is retried after base × 2^(attempt−1) (≤ 1 h) until 24 h after the row was
 * written; then the row is dead and a DELIVERY_FAILING event is written. At-least-once: a process killed
 * after a receiver answered but before the answer was recorded sends that row again after the lease expires.
 */
import { randomUUID } from 'node:crypto';
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import {
  type NotificationChannelRow,
  type NotificationRow,
  notificationAttempts,
  notificationChannels,
  notifications,
} from '@devicevault/schema/db/tables';
import type { DeviceVaultPubSub } from '@devicevault/schema/pubsub';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { insertDeviceEvents, publishDeviceEvents } from '../jobs/device-events.js';
import type { Logger } from '../log.js';
import type { NotificationMessage } from './message.js';
import { sendToChannel } from './send-to-channel.js';
import type { SendOutcome } from './senders/outcome.js';

export interface OutboxDeps {
  db: Database;
  pubsub: DeviceVaultPubSub;
  log: Logger;
  decrypt(ciphertext: string): string;
  /** The first retry's delay (doubles per attempt, ≤ 1 h); default 30 s. */
  retryBaseMs?: number;
  /** How long a row is retried before it is dead; default 24 h. */
  giveUpAfterMs?: number;
  /** A send that takes longer is aborted and counted as a failed attempt; default 10 s. */
  sendTimeoutMs?: number;
  /** Sends at once in this process; default 8. */
  concurrency?: number;
  pollMs?: number;
  now?: () => Date;
  /** Counts each attempt (Prometheus). */
  onAttempt?: (channelKind: string, outcome: 'delivered' | 'failed' | 'dead') => void;
}

export function notificationRetryDelayMs(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 3_600_000);
}

export function createOutbox(deps: OutboxDeps) {
  const owner = randomUUID();
  const now = () => deps.now?.() ?? new Date();
  const concurrency = deps.concurrency ?? 8;
  const sendTimeoutMs = deps.sendTimeoutMs ?? 10_000;
  // A process that dies mid-send leaves its rows claimed; another takes them once the send surely ended.
  const leaseSeconds = Math.ceil((2 * sendTimeoutMs) / 1000) + 5;
  let inFlight = 0;
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let claiming: Promise<void> | null = null;
  let stopping = new AbortController();
  let again = false;
  const sends = new Set<Promise<void>>();

  async function claim(limit: number): Promise<NotificationRow[]> {
    const at = now().toISOString();
    return rowsOf<NotificationRow>(
      await deps.db.execute(sql`
        /* claimNotifications */
        with picked as (
          select id, digest_key from notifications
          where state = 'pending' and next_attempt_at <= ${at}::timestamptz
            and (lease_expires_at is null or lease_expires_at < ${at}::timestamptz)
          order by next_attempt_at, digest_key nulls first, id
          limit ${limit}
          for update skip locked)
        update notifications set lease_owner = ${owner},
          lease_expires_at = ${at}::timestamptz + ${`${leaseSeconds} seconds`}::interval,
          attempts = attempts + 1
        where id in (select id from picked)
          -- A digest leaves whole: the rest of each picked digest comes along, past the limit. Rows another
          -- process claimed meanwhile no longer match once their lock is released (their lease is live).
          or (digest_key in (select digest_key from picked where digest_key is not null)
            and state = 'pending' and next_attempt_at <= ${at}::timestamptz
            and (lease_expires_at is null or lease_expires_at < ${at}::timestamptz))
        returning id, channel_id as "channelId", event_id as "eventId", alert_id as "alertId", purpose,
          digest_key as "digestKey", payload, state, attempts, next_attempt_at as "nextAttemptAt",
          created_at as "createdAt"`),
    ).map((row) => ({ ...row, createdAt: new Date(row.createdAt), nextAttemptAt: new Date(row.nextAttemptAt) }));
  }

  /** Claims what is due while there is room; each claimed group is sent without waiting for the others. */
  async function pump() {
    if (claiming) {
      again = true;
      return claiming;
    }
    claiming = (async () => {
      do {
        again = false;
        while (!stopped && inFlight < concurrency) {
          const rows = await claim(concurrency - inFlight);
          if (rows.length === 0) break;
          for (const group of groupByDigest(rows)) start(group);
          if (rows.length < concurrency) break;
        }
      } while (again && !stopped);
    })()
      .catch((error) => deps.log.error('claiming notifications failed', { error: String(error) }))
      .finally(() => {
        claiming = null;
      });
    return claiming;
  }

  function start(group: NotificationRow[]) {
    inFlight++;
    const send = deliver(group)
      .catch((error) => deps.log.error('delivering a notification failed', { error: String(error) }))
      .finally(() => {
        inFlight--;
        sends.delete(send);
        if (!stopped) void pump();
      });
    sends.add(send);
  }

  async function deliver(group: NotificationRow[]) {
    const first = group[0]!;
    const [channel] = await deps.db
      .select()
      .from(notificationChannels)
      .where(eq(notificationChannels.id, first.channelId));
    if (!channel) return;
    const startedAt = now();
    const outcome = await sendToChannel(
      channel,
      group.map((row) => row.payload as unknown as NotificationMessage),
      {
        decrypt: deps.decrypt,
        now: startedAt,
        timeoutMs: sendTimeoutMs,
        digestId: first.id,
        stop: stopping.signal,
      },
    );
    // Cut short by stop(): not an attempt; the rows go back to the outbox below.
    if (stopping.signal.aborted) return;
    await record(channel, group, outcome, startedAt);
  }

  async function record(
    channel: NotificationChannelRow,
    group: NotificationRow[],
    outcome: SendOutcome,
    startedAt: Date,
  ) {
    const ids = group.map((row) => row.id);
    const attempt = Math.max(...group.map((row) => row.attempts));
    const finishedAt = now();
    const delayMs = notificationRetryDelayMs(attempt, deps.retryBaseMs ?? 30_000);
    const oldest = Math.min(...group.map((row) => row.createdAt.getTime()));
    const dead = !outcome.delivered && finishedAt.getTime() + delayMs - oldest > (deps.giveUpAfterMs ?? 86_400_000);
    const events = await deps.db.transaction(async (tx) => {
      await tx.insert(notificationAttempts).values(
        group.map((row) => ({
          notificationId: row.id,
          attempt: row.attempts,
          startedAt,
          durationMs: outcome.durationMs,
          statusCode: outcome.statusCode,
          error: outcome.error,
          delivered: outcome.delivered,
        })),
      );
      const mine = and(inArray(notifications.id, ids), eq(notifications.leaseOwner, owner));
      if (outcome.delivered) {
        await tx
          .update(notifications)
          .set({ state: 'delivered', deliveredAt: finishedAt, leaseOwner: null, leaseExpiresAt: null, lastError: null })
          .where(mine);
        // A channel that delivers again ends its DELIVERY_FAILING alerts.
        await tx.execute(sql`
          /* resolveDeliveryFailing */
          update alerts set state = 'RESOLVED', resolved_at = now()
          where kind = 'DELIVERY_FAILING' and subject = ${channel.id} and state <> 'RESOLVED'`);
        return [];
      }
      if (!dead) {
        await tx
          .update(notifications)
          .set({
            nextAttemptAt: new Date(finishedAt.getTime() + delayMs),
            leaseOwner: null,
            leaseExpiresAt: null,
            lastError: outcome.error,
          })
          .where(mine);
        return [];
      }
      await tx
        .update(notifications)
        .set({ state: 'dead', leaseOwner: null, leaseExpiresAt: null, lastError: outcome.error })
        .where(mine);
      return insertDeviceEvents(tx, [
        {
          kind: 'DELIVERY_FAILING',
          deviceId: null,
          payload: {
            channelId: channel.id,
            channelName: channel.name,
            channelKind: channel.kind,
            notificationIds: ids,
            attempts: attempt,
            lastError: outcome.error,
          },
        },
      ]);
    });
    publishDeviceEvents(deps.pubsub, events);
    deps.onAttempt?.(channel.kind, outcome.delivered ? 'delivered' : dead ? 'dead' : 'failed');
    if (!outcome.delivered)
      deps.log.info('notification not delivered', { channelId: channel.id, attempt, error: outcome.error, dead });
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      void pump().finally(schedule);
    }, deps.pollMs ?? 1_000);
    timer.unref?.();
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      stopping = new AbortController();
      void pump();
      schedule();
    },
    /** New rows were written: look now instead of at the next poll. */
    wake() {
      if (!stopped) void pump();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      stopping.abort();
      await claiming;
      await Promise.allSettled([...sends]);
      // Rows claimed but not sent go back at once rather than after their lease.
      await deps.db
        .update(notifications)
        .set({ leaseOwner: null, leaseExpiresAt: null })
        .where(and(eq(notifications.leaseOwner, owner), ne(notifications.state, 'delivered')));
    },
  };
}

/** Rows of one digest (same key) leave as one message; every other row alone. */
function groupByDigest(rows: NotificationRow[]): NotificationRow[][] {
  const groups = new Map<string, NotificationRow[]>();
  for (const row of rows) {
    const key = row.digestKey ?? row.id;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()];
}
