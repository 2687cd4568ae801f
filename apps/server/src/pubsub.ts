/** The process's typed pubsub (in-process; events of other processes are not relayed yet). */
import type { DeviceVaultPubSub, PubSubEvents } from '@devicevault/schema/pubsub';
import { createPubSub } from 'graphql-yoga';

export function createDeviceVaultPubSub(): DeviceVaultPubSub {
  return createPubSub<PubSubEvents>();
}
