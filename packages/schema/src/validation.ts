/** Input checks shared by mutations; each returns a ValidationFailure naming the field, or null. */
import { z } from 'zod';
import { ValidationFailure } from './errors.js';

// zod's checks instead of node:net's isIP keep this package free of Node's socket modules.
const ipAddress = z.union([z.ipv4(), z.ipv6()]);

// RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens, 253 chars at most.
const hostnameShape =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

export function checkHost(field: string, host: string): ValidationFailure | null {
  const trimmed = host.trim();
  // An IPv6 zone (`fe80::1%eth0`) is valid for a link-local address; zod knows only the address part.
  if (ipAddress.safeParse(trimmed.replace(/^([^%]*:[^%]*)%[\w.-]+$/, '$1')).success) return null;
  // All-numeric dotted names look like broken IPv4 addresses, not host names.
  if (hostnameShape.test(trimmed) && !/^[\d.]+$/.test(trimmed)) return null;
  return new ValidationFailure(field, `"${host}" is not an IPv4 address, IPv6 address or DNS name`);
}

export function checkPort(field: string, port: number): ValidationFailure | null {
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return null;
  return new ValidationFailure(field, `port must be an integer from 1 to 65535, got ${port}`);
}

export function checkName(field: string, name: string, maxLength = 200): ValidationFailure | null {
  const trimmed = name.trim();
  if (trimmed.length === 0) return new ValidationFailure(field, `${field} must not be empty`);
  if (trimmed.length > maxLength)
    return new ValidationFailure(field, `${field} must be at most ${maxLength} characters`);
  return null;
}

export function firstFailure(...checks: (ValidationFailure | null)[]): ValidationFailure | null {
  return checks.find((check) => check !== null) ?? null;
}
