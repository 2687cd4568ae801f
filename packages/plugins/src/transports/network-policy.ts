/**
 * Which device addresses the server may connect to: an admin-set allow/deny list of networks (CIDRs, single
 * addresses) and host names, checked after DNS resolution at every connection, so that a device entry cannot
 * turn the server into a scanner of its own network or a reader of cloud metadata (issue 8). Transports
 * resolve the name here and then connect to the checked address only, so a DNS answer that changes between
 * the check and the connect (rebinding) cannot swap it. Matching uses node's built-in `net.BlockList`.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { CollectError } from '../errors.js';

/** Plain data, so it crosses the worker boundary with each task. */
export interface NetworkPolicy {
  /** CIDRs, addresses or host names (`*.example.net` for subdomains); empty means every address not denied. */
  allow: readonly string[];
  /** The same kinds of entries; a match here wins over `allow`. */
  deny: readonly string[];
}

/** What a fresh install denies: link-local networks and the cloud metadata services. Loopback stays allowed. */
export const defaultNetworkPolicy: NetworkPolicy = {
  allow: [],
  deny: [
    // Link-local: AWS/Azure/GCP/OpenStack metadata (169.254.169.254), ECS credentials (169.254.170.2).
    '169.254.0.0/16',
    'fe80::/10',
    // AWS metadata over IPv6, Alibaba Cloud metadata, Oracle Cloud's second metadata address.
    'fd00:ec2::254',
    '100.100.100.200',
    '192.0.0.192',
    // Metadata host names (GCP, AWS), denied by name before any lookup.
    'metadata.google.internal',
    'metadata.goog',
    'metadata',
    'instance-data',
    'instance-data.ec2.internal',
  ],
};

// "This host" addresses reach the server itself on Linux; they are never a device, whatever the lists say.
const alwaysDenied = newBlockList([
  ['0.0.0.0', 8, 'ipv4'],
  ['::', 128, 'ipv6'],
]);

export type PolicyEntry =
  | { kind: 'network'; address: string; prefix: number; family: 'ipv4' | 'ipv6' }
  | { kind: 'name'; name: string; subdomains: boolean };

const hostNamePattern = /^(?:\*\.)?[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*$/;

/** Parses one list entry; a string says why it is not a CIDR, an address or a host name. */
export function parsePolicyEntry(text: string): PolicyEntry | string {
  const entry = text.trim().toLowerCase();
  if (entry === '') return 'an entry is empty';
  const slash = entry.indexOf('/');
  const address = stripBrackets(slash === -1 ? entry : entry.slice(0, slash));
  const family = isIP(address);
  if (family !== 0) {
    const max = family === 4 ? 32 : 128;
    const prefixText = slash === -1 ? String(max) : entry.slice(slash + 1);
    const prefix = Number(prefixText);
    if (!/^\d{1,3}$/.test(prefixText) || prefix > max) {
      return `"${text}" has an invalid prefix length (0–${max} for IPv${family})`;
    }
    return { kind: 'network', address, prefix, family: family === 4 ? 'ipv4' : 'ipv6' };
  }
  if (slash !== -1) return `"${text}" is not a valid CIDR`;
  const name = entry.replace(/\.$/, '');
  if (name.length > 253 || !hostNamePattern.test(name) || /^[\d.]+$/.test(name)) {
    return `"${text}" is neither a CIDR, an IP address nor a host name`;
  }
  return name.startsWith('*.')
    ? { kind: 'name', name: name.slice(2), subdomains: true }
    : { kind: 'name', name, subdomains: false };
}

/** Every problem with a list, one message each (empty when the list is valid). */
export function policyListErrors(entries: readonly string[]): string[] {
  return entries.map(parsePolicyEntry).filter((entry): entry is string => typeof entry === 'string');
}

export interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a name to every address it has (IP literals resolve to themselves). */
export type ResolveAll = (host: string) => Promise<CheckedAddress[]>;

async function lookupAll(host: string): Promise<CheckedAddress[]> {
  const found = await lookup(host, { all: true, verbatim: true });
  return found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
}

/**
 * Resolves `host` and checks the name and every address it resolves to against `policy`. Returns the
 * addresses to connect to (all of them allowed); throws `target_denied` or `dns_failed` before any packet
 * goes to the device.
 */
export async function resolveAllowedAddresses(
  host: string,
  policy: NetworkPolicy = defaultNetworkPolicy,
  resolveAll: ResolveAll = lookupAll,
): Promise<CheckedAddress[]> {
  const compiled = compilePolicy(policy);
  const name = stripBrackets(host.trim().toLowerCase()).replace(/\.$/, '');
  const isLiteral = isIP(name) !== 0;
  if (!isLiteral && matchesName(compiled.deny.names, name)) {
    throw new CollectError('target_denied', `${host} is a denied host name (network policy)`);
  }
  let addresses: CheckedAddress[];
  try {
    addresses = await resolveAll(name);
  } catch (error) {
    throw new CollectError('dns_failed', `cannot resolve ${host}: ${(error as Error).message}`, { cause: error });
  }
  if (addresses.length === 0) throw new CollectError('dns_failed', `${host} has no address`);
  const nameAllowed = !isLiteral && matchesName(compiled.allow.names, name);
  for (const { address, family } of addresses) {
    const type = family === 6 ? 'ipv6' : 'ipv4';
    const bare = address.split('%')[0] ?? address;
    const shown = bare === name ? bare : `${host} (${bare})`;
    if (alwaysDenied.check(bare, type) || compiled.deny.networks.check(bare, type)) {
      throw new CollectError('target_denied', `${shown} is in a denied network (network policy)`);
    }
    const allowListed = nameAllowed || compiled.allow.networks.check(bare, type);
    if (compiled.allow.any && !allowListed) {
      throw new CollectError('target_denied', `${shown} is not in an allowed network (network policy)`);
    }
  }
  return addresses;
}

interface CompiledList {
  networks: BlockList;
  names: { name: string; subdomains: boolean }[];
  any: boolean;
}

function compileList(entries: readonly string[]): CompiledList {
  const networks = new BlockList();
  const names: CompiledList['names'] = [];
  for (const text of entries) {
    const entry = parsePolicyEntry(text);
    // Lists are validated when saved; an entry that slipped through is skipped rather than failing every job.
    if (typeof entry === 'string') continue;
    if (entry.kind === 'name') names.push(entry);
    else networks.addSubnet(entry.address, entry.prefix, entry.family);
  }
  return { networks, names, any: entries.length > 0 };
}

function compilePolicy(policy: NetworkPolicy): { allow: CompiledList; deny: CompiledList } {
  return { allow: compileList(policy.allow), deny: compileList(policy.deny) };
}

function matchesName(names: CompiledList['names'], host: string): boolean {
  return names.some((entry) => (entry.subdomains ? host.endsWith(`.${entry.name}`) : host === entry.name));
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function newBlockList(subnets: [string, number, 'ipv4' | 'ipv6'][]): BlockList {
  const list = new BlockList();
  for (const [address, prefix, type] of subnets) list.addSubnet(address, prefix, type);
  return list;
}
