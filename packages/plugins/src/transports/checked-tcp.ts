/**
 * A TCP connection to addresses the network policy has already allowed (`resolveAllowedAddresses`), never a
 * fresh lookup, so a DNS answer that changes after the check (rebinding) cannot swap the target. TELNET,
 * HTTP(S) and SSH connect through here.
 */
import { connect, type Socket } from 'node:net';
import type { CheckedAddress } from './network-policy.js';

export function connectToCheckedAddresses(host: string, port: number, addresses: readonly CheckedAddress[]): Socket {
  const [first] = addresses;
  // No Nagle: logins and prompts are small writes each waiting on an answer; with Nagle and delayed ACKs
  // ssh2's login alone took 48–92 ms instead of 6.5 ms (issue 13).
  if (addresses.length === 1 && first) return connect({ host: first.address, port, noDelay: true });
  // Several addresses (a name with IPv4 and IPv6): node tries them in turn, every one of them checked.
  return connect({
    host,
    port,
    autoSelectFamily: true,
    noDelay: true,
    lookup(_hostname, options, callback) {
      if (options.all) {
        (callback as (error: null, all: CheckedAddress[]) => void)(null, [...addresses]);
        return;
      }
      callback(null, first?.address ?? '', first?.family ?? 4);
    },
  });
}
