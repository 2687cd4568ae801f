// The activity charts' query in a module of its own (no 'use client'): the overview's server component reads
// it so the HTML holds the counts (issue 15 item 9); ActivityCharts keeps them current with the same document
// and, given the server's clock, the same variables.
import { graphql, type ResultOf } from '../../lib/graphql';

// Counted on the server (one query, two ranges); the charts only draw.
export const ActivityCharts_ActivityQuery = graphql(`
  query ActivityCharts_ActivityQuery($hourlyFrom: DateTime!, $dailyFrom: DateTime!) {
    hourly: activity(from: $hourlyFrom, interval: HOUR) { start succeeded failed versions }
    daily: activity(from: $dailyFrom, interval: DAY) { start succeeded failed versions }
  }
`);

export type ActivityChartsData = ResultOf<typeof ActivityCharts_ActivityQuery>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The last 24 hours by hour and the last 30 days by day, as of `now` (ms). */
export function activityVariables(now: number) {
  return {
    hourlyFrom: new Date(now - 23 * HOUR).toISOString(),
    dailyFrom: new Date(now - 29 * DAY).toISOString(),
  };
}
