/**
 * Schedule arithmetic shared by the scheduler (apps/server) and the API (`nextRunAt`): slots of a cron
 * expression in an IANA time zone or of a plain interval, each device's stable offset inside the spread
 * window, and backup windows. Pure: every function is given the instant it reasons about (tests fake time).
 */
import { createHash } from 'node:crypto';
import { Cron } from 'croner';

export interface ScheduleSpec {
  /** A cron expression (croner syntax) or a plain interval ("every 6 h"). */
  schedule: string | null;
  timeZone: string;
}

export interface BackupWindow {
  windowStartMinute: number | null;
  windowEndMinute: number | null;
  timeZone: string;
}

const intervalPattern = /^every\s+(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)$/i;
const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "every 6 h" → 21600; null for anything else (then it is read as cron). */
export function parseInterval(schedule: string): number | null {
  const match = intervalPattern.exec(schedule.trim());
  if (!match) return null;
  const seconds = Number(match[1]) * unitSeconds[match[2]!.toLowerCase()[0]!]!;
  return seconds > 0 ? seconds : null;
}

function cronOf(spec: ScheduleSpec): Cron | null {
  if (!spec.schedule || parseInterval(spec.schedule) !== null) return null;
  return new Cron(spec.schedule, { paused: true, timezone: spec.timeZone });
}

/** Throws with croner's message when the schedule or time zone is invalid. */
export function validateSchedule(spec: ScheduleSpec): void {
  if (!isTimeZone(spec.timeZone)) throw new Error(`unknown time zone "${spec.timeZone}"`);
  if (!spec.schedule || parseInterval(spec.schedule) !== null) return;
  const cron = cronOf(spec)!;
  if (cron.nextRun() === null) throw new Error('it never fires');
}

export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The first slot strictly after `after`, or null (manual only, or a cron that never fires again). */
export function nextSlot(spec: ScheduleSpec, after: Date): Date | null {
  if (!spec.schedule) return null;
  const interval = parseInterval(spec.schedule);
  if (interval !== null) {
    const ms = interval * 1000;
    return new Date((Math.floor(after.getTime() / ms) + 1) * ms);
  }
  return cronOf(spec)!.nextRun(after);
}

/** Slots in (after, until], oldest first, at most `limit` (the newest `limit` are kept). */
export function slotsBetween(spec: ScheduleSpec, after: Date, until: Date, limit = 1000): Date[] {
  const slots: Date[] = [];
  let cursor = after;
  for (;;) {
    const slot = nextSlot(spec, cursor);
    if (!slot || slot.getTime() > until.getTime()) break;
    slots.push(slot);
    if (slots.length > limit) slots.shift();
    cursor = slot;
  }
  return slots;
}

/** Seconds between the next two slots after `at` (interval schedules: the interval). */
export function schedulePeriodSeconds(spec: ScheduleSpec, at: Date): number | null {
  if (!spec.schedule) return null;
  const interval = parseInterval(spec.schedule);
  if (interval !== null) return interval;
  const [first, second] = cronOf(spec)!.nextRuns(2, at);
  return first && second ? Math.round((second.getTime() - first.getTime()) / 1000) : null;
}

/**
 * A device's offset inside the spread window: the first 32 bits of md5(id) modulo the window, the same as
 * SQL `('x' || substr(md5(id::text), 1, 8))::bit(32)::bigint % spread` — stable across runs and processes.
 */
export function spreadOffsetSeconds(deviceId: string, spreadSeconds: number): number {
  if (spreadSeconds <= 0) return 0;
  return Number.parseInt(createHash('md5').update(deviceId).digest('hex').slice(0, 8), 16) % spreadSeconds;
}

/** "22:00-06:00" → minutes of the local day; null when it isn't one. */
export function parseWindow(text: string): { start: number; end: number } | null {
  const match = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [h1, m1, h2, m2] = match.slice(1).map(Number) as [number, number, number, number];
  if (h1 > 23 || h2 > 24 || m1 > 59 || m2 > 59 || (h2 === 24 && m2 > 0)) return null;
  const start = h1 * 60 + m1;
  const end = (h2 * 60 + m2) % 1440;
  return start === end ? null : { start, end };
}

export function formatWindow(window: BackupWindow): string | null {
  const { windowStartMinute: start, windowEndMinute: end } = window;
  if (start == null || end == null) return null;
  const hhmm = (minutes: number) =>
    `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return `${hhmm(start)}-${hhmm(end)}`;
}

function minuteOfDay(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' })
    .formatToParts(at)
    .reduce<Record<string, string>>((all, part) => Object.assign(all, { [part.type]: part.value }), {});
  return Number(parts.hour) * 60 + Number(parts.minute);
}

/** Inside the window (start inclusive, end exclusive, wrapping midnight), or no window at all. */
export function insideWindow(window: BackupWindow, at: Date): boolean {
  const { windowStartMinute: start, windowEndMinute: end } = window;
  if (start == null || end == null) return true;
  const minute = minuteOfDay(at, window.timeZone);
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** `at` when the window is open then, else the instant it next opens. */
export function nextWindowOpening(window: BackupWindow, at: Date): Date {
  if (insideWindow(window, at)) return at;
  const start = window.windowStartMinute!;
  const cron = new Cron(`${start % 60} ${Math.floor(start / 60)} * * *`, { paused: true, timezone: window.timeZone });
  return cron.nextRun(at) ?? at;
}

/** When a device of this group runs next: the next slot plus its offset, moved into the window. */
export function deviceNextRun(
  group: ScheduleSpec & BackupWindow & { spreadSeconds: number },
  deviceId: string,
  now: Date,
): Date | null {
  const slot = nextSlot(group, now);
  if (!slot) return null;
  const start = new Date(slot.getTime() + spreadOffsetSeconds(deviceId, group.spreadSeconds) * 1000);
  return nextWindowOpening(group, start);
}
