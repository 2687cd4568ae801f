// The next runs of a schedule as the server computes them (packages/schema/src/schedule.ts: croner for
// cron in the group's zone, "every N unit" as fixed multiples of the epoch), for the editor's preview
// before anything is saved. The web may not import server code, so these few lines are repeated here.
import { Cron } from 'croner';

const intervalPattern = /^every\s+(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)$/i;
const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

export type SchedulePreview = { runs: Date[]; error: string | null };

export function previewSchedule(schedule: string, timeZone: string, count = 5, from = new Date()): SchedulePreview {
  const trimmed = schedule.trim();
  if (!trimmed) return { runs: [], error: null };
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return { runs: [], error: `unknown time zone "${timeZone}"` };
  }
  const interval = intervalPattern.exec(trimmed);
  if (interval) {
    const ms = Number(interval[1]) * (unitSeconds[interval[2]!.toLowerCase()[0]!] ?? 0) * 1000;
    if (ms <= 0) return { runs: [], error: 'the interval must be positive' };
    const first = (Math.floor(from.getTime() / ms) + 1) * ms;
    return { runs: Array.from({ length: count }, (_, index) => new Date(first + index * ms)), error: null };
  }
  try {
    const cron = new Cron(trimmed, { paused: true, timezone: timeZone });
    return { runs: cron.nextRuns(count, from), error: null };
  } catch (error) {
    return { runs: [], error: error instanceof Error ? error.message : String(error) };
  }
}
