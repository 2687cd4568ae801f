/**
 * The typed pubsub. On PostgreSQL every event also goes out through NOTIFY on one channel, so several server
 * processes sharing a database all deliver each other's job progress; each process delivers its own events at
 * once (not after the round trip through the database, which waits behind the jobs' statements for a pool
 * connection) and ignores them when they come back. On PGlite (one process) events stay in memory. On both,
 * database triggers notify on the same channel (devicesChanged: drizzle/0013).
 */
import { randomUUID } from 'node:crypto';
import type { DeviceVaultPubSub } from '@devicevault/schema/pubsub';
import type { OpenDatabase } from './db/open-database.js';
import { EventQueue } from './event-queue.js';
import type { Logger } from './log.js';

const channel = 'devicevault_events';

interface WireEvent {
  topic: string;
  payload: unknown;
  /** The publishing process (absent from the triggers' notifications). */
  origin?: string;
}

export async function createDeviceVaultPubSub(
  database?: Pick<OpenDatabase, 'kind' | 'listen' | 'notify'>,
  log?: Logger,
): Promise<{ pubsub: DeviceVaultPubSub; close(): Promise<void> }> {
  const local = new EventTarget();
  const origin = randomUUID();
  const dispatch = (raw: string) => {
    try {
      const parsed = JSON.parse(raw) as WireEvent | WireEvent[];
      for (const event of Array.isArray(parsed) ? parsed : [parsed]) {
        if (event.origin === origin) continue;
        local.dispatchEvent(new CustomEvent(event.topic, { detail: event.payload }));
      }
    } catch (error) {
      log?.warn('ignored a malformed event notification', { error: String(error) });
    }
  };
  if (database?.kind !== 'postgres') {
    // One process: its own events stay in memory; the database's triggers (devicesChanged) still notify.
    const unlisten = database ? await database.listen(channel, dispatch) : async () => {};
    return { pubsub: createFanOutPubSub(local), close: unlisten };
  }

  const unlisten = await database.listen(channel, dispatch);
  // Events published in one turn of the event loop share a NOTIFY (an array): a job's line alone is two
  // topics, and each NOTIFY is a statement on the pool (issue 13: 12 per job before).
  const wire = new EventTarget();
  let queued: WireEvent[] = [];
  const send = () => {
    const batch = queued;
    queued = [];
    for (const chunk of chunksOf(batch)) {
      void database.notify(channel, chunk.length === 1 ? chunk[0]! : `[${chunk.join(',')}]`).catch((error) => {
        log?.error('event notification failed; other server processes missed events', { error: String(error) });
      });
    }
  };
  wire.dispatchEvent = (event: Event) => {
    const payload = (event as CustomEvent).detail;
    queued.push({ topic: event.type, payload, origin });
    if (queued.length === 1) setImmediate(send);
    return local.dispatchEvent(new CustomEvent(event.type, { detail: payload }));
  };
  wire.addEventListener = local.addEventListener.bind(local);
  wire.removeEventListener = local.removeEventListener.bind(local);
  return { pubsub: createFanOutPubSub(wire), close: unlisten };
}

// NOTIFY payloads must stay under 8000 bytes; one event alone may still be as large as before.
const maxPayloadBytes = 7_000;

/** Serialized events, grouped so each group's array fits in one NOTIFY. */
function chunksOf(events: WireEvent[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 2;
  for (const event of events) {
    const raw = JSON.stringify(event);
    const bytes = Buffer.byteLength(raw) + 1;
    if (current.length > 0 && size + bytes > maxPayloadBytes) {
      chunks.push(current);
      current = [];
      size = 2;
    }
    current.push(raw);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * yoga's createPubSub adds one EventTarget listener per subscriber (past 10, Node warns
 * MaxListenersExceededWarning, and every dispatch walks them all). Here a topic has one listener, added with
 * its first subscriber and removed with its last, that hands each event to every subscriber's queue.
 */
export function createFanOutPubSub(target: EventTarget): DeviceVaultPubSub {
  const subscribers = new Map<string, Set<EventQueue<unknown>>>();
  const deliver = (event: Event) => {
    const payload = (event as CustomEvent).detail;
    for (const queue of subscribers.get(event.type) ?? []) queue.push(payload);
  };
  const topicOf = (routingKey: string, args: unknown[]) =>
    args.length > 1 && args[1] !== undefined ? `${routingKey}:${String(args[0])}` : routingKey;
  const pubsub = {
    publish(routingKey: string, ...args: unknown[]) {
      const payload = args.length > 1 && args[1] !== undefined ? args[1] : args[0];
      target.dispatchEvent(new CustomEvent(topicOf(routingKey, args), { detail: payload }));
    },
    subscribe(routingKey: string, id?: unknown) {
      const topic = id === undefined ? routingKey : `${routingKey}:${String(id)}`;
      let queues = subscribers.get(topic);
      if (!queues) {
        queues = new Set();
        subscribers.set(topic, queues);
        target.addEventListener(topic, deliver);
      }
      const queue: EventQueue<unknown> = new EventQueue(() => {
        queues.delete(queue);
        if (queues.size === 0 && subscribers.get(topic) === queues) {
          subscribers.delete(topic);
          target.removeEventListener(topic, deliver);
        }
      });
      queues.add(queue);
      return queue;
    },
  };
  return pubsub as unknown as DeviceVaultPubSub;
}
