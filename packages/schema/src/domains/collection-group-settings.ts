/**
 * A collection group's schedule and run settings, as API input: schedule (cron in `timeZone`, or "every 6 h"),
 * spread window, backup window ("22:00-06:00" local), catch-up window, attempts, concurrency cap and freshness
 * threshold. Validated and turned into column values here; collection-groups.ts uses it on create and update.
 */
import type { CollectionGroupRow } from '../db/tables.js';
import { ValidationFailure } from '../errors.js';
import { formatWindow, parseWindow, schedulePeriodSeconds, validateSchedule } from '../schedule.js';

export interface ScheduleSettingsInput {
  schedule?: string | null;
  timeZone?: string | null;
  spreadSeconds?: number | null;
  backupWindow?: string | null;
  catchUpSeconds?: number | null;
  maxAttempts?: number | null;
  maxConcurrent?: number | null;
  freshnessSeconds?: number | null;
}

type Settings = Pick<
  CollectionGroupRow,
  | 'schedule'
  | 'timeZone'
  | 'spreadSeconds'
  | 'windowStartMinute'
  | 'windowEndMinute'
  | 'catchUpSeconds'
  | 'maxAttempts'
  | 'maxConcurrent'
  | 'freshnessSeconds'
  | 'schedulePeriodSeconds'
>;

const defaults: Settings = {
  schedule: null,
  timeZone: 'UTC',
  spreadSeconds: 0,
  windowStartMinute: null,
  windowEndMinute: null,
  catchUpSeconds: 3600,
  maxAttempts: 3,
  maxConcurrent: null,
  freshnessSeconds: null,
  schedulePeriodSeconds: null,
};

const week = 7 * 86_400;

function range(field: string, value: number | null | undefined, min: number, max: number) {
  if (value == null || (Number.isInteger(value) && value >= min && value <= max)) return null;
  return new ValidationFailure(field, `${field} must be from ${min} to ${max}`);
}

/** Column values for the input over `existing` (fields left out stay), or the first problem. */
export function scheduleSettings(
  input: ScheduleSettingsInput,
  existing: Settings = defaults,
  now = new Date(),
): Settings | ValidationFailure {
  const failure =
    range('spreadSeconds', input.spreadSeconds, 0, week) ??
    range('catchUpSeconds', input.catchUpSeconds, 0, week) ??
    range('maxAttempts', input.maxAttempts, 1, 10) ??
    range('maxConcurrent', input.maxConcurrent, 1, 100_000) ??
    range('freshnessSeconds', input.freshnessSeconds, 60, 365 * 86_400);
  if (failure) return failure;
  const schedule =
    input.schedule === undefined ? existing.schedule : input.schedule?.trim().replace(/\s+/g, ' ') || null;
  if (schedule && schedule.length > 200)
    return new ValidationFailure('schedule', 'schedule must be at most 200 characters');
  const timeZone = input.timeZone?.trim() || existing.timeZone;
  try {
    validateSchedule({ schedule, timeZone });
  } catch (error) {
    const field = /time zone/.test(String(error)) ? 'timeZone' : 'schedule';
    return new ValidationFailure(
      field,
      `"${field === 'timeZone' ? timeZone : schedule}" is not valid: ${(error as Error).message}`,
    );
  }
  let window = { start: existing.windowStartMinute, end: existing.windowEndMinute };
  if (input.backupWindow !== undefined) {
    const parsed = input.backupWindow?.trim() ? parseWindow(input.backupWindow) : null;
    if (input.backupWindow?.trim() && !parsed)
      return new ValidationFailure('backupWindow', 'backupWindow must look like "22:00-06:00" (local time)');
    window = parsed ?? { start: null, end: null };
  }
  const pick = <K extends keyof Settings>(key: K, value: Settings[K] | undefined) =>
    value === undefined ? existing[key] : value;
  return {
    schedule,
    timeZone,
    spreadSeconds: input.spreadSeconds ?? existing.spreadSeconds,
    windowStartMinute: window.start,
    windowEndMinute: window.end,
    catchUpSeconds: input.catchUpSeconds ?? existing.catchUpSeconds,
    maxAttempts: input.maxAttempts ?? existing.maxAttempts,
    maxConcurrent: pick('maxConcurrent', input.maxConcurrent),
    freshnessSeconds: pick('freshnessSeconds', input.freshnessSeconds),
    schedulePeriodSeconds: schedulePeriodSeconds({ schedule, timeZone }, now),
  };
}

export function backupWindowText(group: CollectionGroupRow): string | null {
  return formatWindow(group);
}
