/**
 * Tests that drive real system binaries (tftpd-hpa, OpenSSH) skip locally when a binary is missing, with a
 * message saying what to install; in CI a missing binary is a failure, never a silent skip.
 */
import { existsSync } from 'node:fs';

/** A skip reason for `describe(name, { skip })`, or false when every binary is present. Throws in CI. */
export function skipUnlessInstalled(binaries: readonly string[], install: string): string | false {
  const missing = binaries.filter((binary) => !existsSync(binary));
  if (missing.length === 0) return false;
  const reason = `missing ${missing.join(', ')}; install with: ${install}`;
  if (process.env.CI === 'true') throw new Error(`CI must run these tests: ${reason}`);
  return reason;
}
