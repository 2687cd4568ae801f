/** Classified collection failures: every failed job carries one of these codes. */
export const collectErrorCodes = [
  'connection_refused',
  'dns_failed',
  /** The admin's network policy forbids the device's address or name; nothing was sent to it. */
  'target_denied',
  'host_unreachable',
  /** The peer answered, but not in SSH (a web server, a garbage banner, no common algorithm). */
  'protocol_error',
  'auth_failed',
  'host_key_changed',
  /** A TLS handshake failed: an untrusted, expired or misnamed certificate, or a peer that speaks no TLS. */
  'tls_failed',
  'timeout',
  'connection_dropped',
  'prompt_not_found',
  'output_too_large',
  /** The output doesn't look like a whole config (end marker missing, too short, shrunk): nothing is stored. */
  'suspect_output',
  'transfer_truncated',
  'file_not_found',
  'invalid_options',
  'aborted',
  'plugin_error',
  'worker_died',
  'storage_failed',
] as const;

export type CollectErrorCode = (typeof collectErrorCodes)[number];

export class CollectError extends Error {
  readonly code: CollectErrorCode;

  constructor(code: CollectErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CollectError';
    this.code = code;
  }
}

export function isCollectError(error: unknown): error is CollectError {
  return error instanceof CollectError;
}
