/**
 * Alerting in the background of a server process: the rule evaluator (woken by device events, else polling)
 * and the outbox sender. Nothing here runs on the job path: the runner only writes event rows.
 */
import type { Database } from '@devicevault/schema/db/database';
import { notificationAttempts, notificationChannels, notifications } from '@devicevault/schema/db/tables';
import type { DeviceVaultPubSub } from '@devicevault/schema/pubsub';
import { eq } from 'drizzle-orm';
import type { Logger } from '../log.js';
import { evaluatePendingEvents, resolveSettledChanges } from './evaluate-rules.js';
import type { NotificationMessage } from './message.js';
import { createOutbox, type OutboxDeps } from './outbox.js';
import { sendToChannel } from './send-to-channel.js';
import type { SendOutcome } from './senders/outcome.js';

export interface AlertingDeps extends Omit<OutboxDeps, 'pollMs'> {
  db: Database;
  pubsub: DeviceVaultPubSub;
  log: Logger;
  dashboardUrl: string;
  /** How often the evaluator and sender look for work when nothing woke them; default 1 s. */
  pollMs?: number;
}

export function createAlerting(deps: AlertingDeps) {
  const outbox = createOutbox(deps);
  let stopped = true;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let wakeups: AsyncIterator<unknown> | undefined;

  async function evaluate() {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        for (;;) {
          const { events, notifications } = await evaluatePendingEvents(deps);
          if (notifications > 0) outbox.wake();
          if (events < 200) break;
        }
        await resolveSettledChanges(deps);
      } while (again && !stopped);
    })()
      .catch((error) => deps.log.error('alert rule evaluation failed', { error: String(error) }))
      .finally(() => {
        running = null;
      });
    return running;
  }

  // A burst of events (a fleet failing together) is evaluated in one transaction, not one per event.
  let pending: NodeJS.Timeout | undefined;
  function soon() {
    if (pending || stopped) return;
    pending = setTimeout(() => {
      pending = undefined;
      void evaluate();
    }, 200);
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => void evaluate().finally(schedule), deps.pollMs ?? 1_000);
    timer.unref?.();
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      outbox.start();
      void evaluate();
      schedule();
      // Device events (from any process on PostgreSQL) wake the evaluator at once.
      const iterator = deps.pubsub.subscribe('deviceEvents')[Symbol.asyncIterator]();
      wakeups = iterator;
      void (async () => {
        while (!stopped) {
          const next = await iterator.next();
          if (next.done) return;
          soon();
        }
      })();
    },
    wake: () => void evaluate(),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(pending);
      await wakeups?.return?.();
      await running;
      await outbox.stop();
    },
    /** Sends one test message to a channel now, outside the outbox, records it in the delivery log, and returns what happened. */
    async sendTest(channelId: string): Promise<SendOutcome | null> {
      const [channel] = await deps.db.select().from(notificationChannels).where(eq(notificationChannels.id, channelId));
      if (!channel) return null;
      const now = deps.now?.() ?? new Date();
      const message: NotificationMessage = {
        id: crypto.randomUUID(),
        kind: 'TEST',
        purpose: 'test',
        summary: `Test notification from DeviceVault to "${channel.name}"`,
        occurredAt: now.toISOString(),
        device: null,
        group: null,
        alert: null,
        details: {},
        diff: null,
        links: { device: `${deps.dashboardUrl}/` },
      };
      const outcome = await sendToChannel(channel, [message], {
        decrypt: deps.decrypt,
        now,
        timeoutMs: deps.sendTimeoutMs ?? 10_000,
        digestId: message.id,
      });
      // Kept in the delivery log like any other send (and so counted in /metrics); never retried.
      await deps.db.transaction(async (tx) => {
        const [row] = await tx
          .insert(notifications)
          .values({
            id: message.id,
            channelId: channel.id,
            purpose: 'test',
            payload: { ...message },
            state: outcome.delivered ? 'delivered' : 'failed',
            attempts: 1,
            nextAttemptAt: now,
            deliveredAt: outcome.delivered ? new Date(now.getTime() + outcome.durationMs) : null,
            lastError: outcome.error,
          })
          .returning({ id: notifications.id });
        await tx.insert(notificationAttempts).values({
          notificationId: row!.id,
          attempt: 1,
          startedAt: now,
          durationMs: outcome.durationMs,
          statusCode: outcome.statusCode,
          error: outcome.error,
          delivered: outcome.delivered,
        });
      });
      deps.onAttempt?.(channel.kind, outcome.delivered ? 'delivered' : 'failed');
      return outcome;
    },
  };
}

export type Alerting = ReturnType<typeof createAlerting>;
