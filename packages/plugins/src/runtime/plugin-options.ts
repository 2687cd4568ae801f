/** Reads a plugin's per-device options; anything missing or malformed fails as `invalid_options`. */
import type { DeviceTarget } from '../contract.js';
import { CollectError } from '../errors.js';

export function requiredOption(target: DeviceTarget, key: string, pluginKey: string): string {
  const value = target.options[key]?.trim();
  if (!value) throw new CollectError('invalid_options', `${pluginKey} needs the option "${key}"`);
  return value;
}

export function optionalIntegerOption(
  target: DeviceTarget,
  key: string,
  pluginKey: string,
  range: { min: number; max: number },
): number | undefined {
  const raw = target.options[key]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new CollectError(
      'invalid_options',
      `${pluginKey} option "${key}" must be a whole number from ${range.min} to ${range.max}, got "${raw}"`,
    );
  }
  return value;
}
