/**
 * A TCP connection to addresses the network policy has already allowed (`resolveAllowedAddresses`), never a
 * fresh lookup, so a DNS answer that changes after the check (rebinding) cannot swap the target. TELNET,
 * HTTP(S) and SSH connect through here.
 */
import { connect, type Socket } from 'node:net';
import { CollectError } from '../errors.js';
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

/**
 * A socket error on the way to a device, classified the same for every transport. `protocol` names it in the
 * catch-all message; `phase` ends the drop message (`during login`).
 */
export function classifySocketError(
  error: NodeJS.ErrnoException,
  host: string,
  where: string,
  protocol: string,
  phase = '',
): CollectError {
  switch (error.code) {
    case 'ECONNREFUSED':
      return new CollectError('connection_refused', `${where} refused the connection`, { cause: error });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new CollectError('dns_failed', `cannot resolve ${host}`, { cause: error });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new CollectError('host_unreachable', `${where} is unreachable`, { cause: error });
    case 'ETIMEDOUT':
      return new CollectError('timeout', `${where} did not answer in time`, { cause: error });
    case 'ECONNRESET':
    case 'EPIPE':
      return new CollectError('connection_dropped', `${where} dropped the connection${phase ? ` ${phase}` : ''}`, {
        cause: error,
      });
    default:
      return new CollectError('plugin_error', `${protocol} to ${where} failed: ${error.message}`, { cause: error });
  }
}
