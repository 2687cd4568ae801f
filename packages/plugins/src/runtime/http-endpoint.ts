/** The per-device options every HTTP(S) plugin takes, and the endpoint they describe. */
import type { DeviceTarget, PluginOption } from '../contract.js';
import { CollectError } from '../errors.js';
import type { HttpEndpoint } from '../transports/http-request.js';

export const httpOptions: readonly PluginOption[] = [
  {
    key: 'scheme',
    description: '"https" (default) or "http" (plaintext: the password and config cross the network readable)',
    required: false,
  },
  {
    key: 'tls_fingerprint',
    description: "SHA-256 fingerprint of the device's certificate (hex, colons optional): pins it, self-signed or not",
    required: false,
  },
  {
    key: 'tls_self_signed',
    description: '"true" to accept a certificate no trusted CA signed without pinning it (prefer tls_fingerprint)',
    required: false,
  },
];

/** The device's API endpoint; its port, unless it is SSH's 22 (the default for new devices), else 443 / 80. */
export function httpEndpointFor(target: DeviceTarget): HttpEndpoint {
  const scheme = (target.options.scheme?.trim().toLowerCase() || 'https') as string;
  if (scheme !== 'https' && scheme !== 'http') {
    throw new CollectError('invalid_options', `option "scheme" must be "https" or "http", got "${scheme}"`);
  }
  const fingerprint = target.options.tls_fingerprint?.trim() || undefined;
  if (fingerprint && scheme === 'http') {
    throw new CollectError('invalid_options', 'option "tls_fingerprint" needs scheme https');
  }
  return {
    scheme,
    host: target.host,
    port: target.port === 22 ? (scheme === 'https' ? 443 : 80) : target.port,
    tlsFingerprint: fingerprint,
    tlsSelfSigned: ['true', 'yes', '1'].includes(target.options.tls_self_signed?.trim().toLowerCase() ?? ''),
  };
}
