/**
 * A TCP connection to addresses the network policy has already allowed (`resolveAllowedAddresses`), never a
 * fresh lookup, so a DNS answer that changes after the check (rebinding) cannot swap the target. TELNET,
 * HTTP(S) and SSH connect through here.
 */
import { connect, type Socket } from 'node:net';
import type { CheckedAddress } from './network-policy.js';

export function connectToCheckedAddresses(host: string, port: number, addresses: readonly CheckedAddress[]): Socket {
  const [first] = addresses;
  if (addresses.length === 1 && first) return connect({ host: first.address, port });
  // Several addresses (a name with IPv4 and IPv6): node tries them in turn, every one of them checked.
  return connect({
    host,
    port,
    autoSelectFamily: true,
    lookup(_hostname, options, callback) {
      if (options.all) {
        (callback as (error: null, all: CheckedAddress[]) => void)(null, [...addresses]);
        return;
      }
      callback(null, first?.address ?? '', first?.family ?? 4);
    },
  });
}
