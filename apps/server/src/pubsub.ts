/**
 * The typed pubsub. On PostgreSQL every event goes through NOTIFY on one channel and comes back through
 * LISTEN, so several server processes sharing a database all deliver each other's job progress; on PGlite
 * (one process) events stay in memory.
 */
import type { DeviceVaultPubSub, PubSubEvents } from '@devicevault/schema/pubsub';
import { createPubSub } from 'graphql-yoga';
import type { OpenDatabase } from './db/open-database.js';
import type { Logger } from './log.js';

const channel = 'devicevault_events';

interface WireEvent {
  topic: string;
  payload: unknown;
}

export async function createDeviceVaultPubSub(
  database?: Pick<OpenDatabase, 'kind' | 'listen' | 'notify'>,
  log?: Logger,
): Promise<{ pubsub: DeviceVaultPubSub; close(): Promise<void> }> {
  const local = new EventTarget();
  const pubsub = createPubSub<PubSubEvents>({ eventTarget: local as never });
  if (database?.kind !== 'postgres') return { pubsub, close: async () => {} };

  const unlisten = await database.listen(channel, (raw) => {
    try {
      const { topic, payload } = JSON.parse(raw) as WireEvent;
      local.dispatchEvent(new CustomEvent(topic, { detail: payload }));
    } catch (error) {
      log?.warn('ignored a malformed event notification', { error: String(error) });
    }
  });
  // Published events go out through NOTIFY only; our own LISTEN delivers them here too, in commit order.
  const wire = new EventTarget();
  wire.dispatchEvent = (event: Event) => {
    const message: WireEvent = { topic: event.type, payload: (event as CustomEvent).detail };
    void database.notify(channel, JSON.stringify(message)).catch((error) => {
      log?.error('event notification failed; delivering locally', { error: String(error) });
      local.dispatchEvent(new CustomEvent(event.type, { detail: message.payload }));
    });
    return true;
  };
  wire.addEventListener = local.addEventListener.bind(local);
  wire.removeEventListener = local.removeEventListener.bind(local);
  return { pubsub: createPubSub<PubSubEvents>({ eventTarget: wire as never }), close: unlisten };
}
