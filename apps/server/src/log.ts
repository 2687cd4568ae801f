/**
 * The one place that builds the logger: pino, one JSON line per entry on stdout (or a test's sink).
 * Callers pass ids and codes, never credentials or configs; the redact paths below are a second line of
 * defence for a field that carries one anyway.
 */
import { type DestinationStream, pino } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

// Field names that hold a secret wherever they appear (top level or one object down, e.g. `{ input: { password } }`).
const secretFields = [
  'password',
  'newPassword',
  'currentPassword',
  'secret',
  'enableSecret',
  'token',
  'authorization',
  'cookie',
  'privateKey',
  'passphrase',
];
export const redactedPaths = secretFields.flatMap((field) => [field, `*.${field}`]);

/** `write` receives each finished line (tests collect them); by default they go to stdout synchronously. */
export function createLogger(level: LogLevel, write?: (line: string) => void): Logger {
  const destination: DestinationStream = write ? { write } : pino.destination({ dest: 1, sync: true });
  const logger = pino(
    {
      level,
      base: null,
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactedPaths, censor: '[redacted]' },
    },
    destination,
  );
  return {
    debug: (message, fields) => logger.debug(fields ?? {}, message),
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  };
}
