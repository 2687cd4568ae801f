/**
 * The client's address for audit rows and sign-in throttling: the TCP peer, unless that peer is a reverse
 * proxy listed in DEVICEVAULT_TRUSTED_PROXIES; then the nearest X-Forwarded-For hop that isn't one. Without
 * trusted proxies the header is ignored, so a client can't pick its own address to dodge a throttle.
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

export type ClientAddress = (request: IncomingMessage | undefined) => string | null;

/** `trusted`: addresses or CIDRs (`10.0.0.0/8`, `::1`, `fd00::/8`), as validated by env.ts. */
export function createClientAddress(trusted: readonly string[]): ClientAddress {
  const proxies = new BlockList();
  for (const entry of trusted) {
    const [address = '', bits] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) proxies.addAddress(address, type);
    else proxies.addSubnet(address, Number(bits), type);
  }
  const isTrusted = (address: string) => {
    const plain = unmapped(address);
    const type = isIP(plain);
    return type !== 0 && proxies.check(plain, type === 6 ? 'ipv6' : 'ipv4');
  };

  return (request) => {
    const peer = request?.socket.remoteAddress;
    if (!peer) return null;
    if (trusted.length === 0 || !isTrusted(peer)) return unmapped(peer);
    const header = request.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((hop) => hop.trim())
      .filter((hop) => isIP(unmapped(hop)) !== 0);
    // Right to left: the first hop our own proxies didn't add is the client as far as we can trust.
    for (let index = hops.length - 1; index >= 0; index--) {
      if (!isTrusted(hops[index]!)) return unmapped(hops[index]!);
    }
    return unmapped(hops[0] ?? peer);
  };
}

/** Checks one DEVICEVAULT_TRUSTED_PROXIES entry: an IP address, optionally with a prefix length. */
export function isProxyEntry(entry: string): boolean {
  const [address = '', bits, extra] = entry.split('/');
  const type = isIP(address);
  if (type === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  const prefix = Number(bits);
  return /^\d+$/.test(bits) && prefix >= 0 && prefix <= (type === 6 ? 128 : 32);
}

function unmapped(address: string): string {
  return address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
}
