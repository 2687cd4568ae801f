'use client';

import { useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import 'uplot/dist/uPlot.min.css';
import { graphql, type ResultOf } from '../../lib/graphql';

const ActivityCharts_EventsQuery = graphql(`
  query ActivityCharts_EventsQuery($from: DateTime!, $after: String) {
    events(first: 100, after: $after, filter: { from: $from, kinds: [BACKUP_CHANGED, BACKUP_FAILED] }) {
      edges { node { kind createdAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Ten pages of events are enough for a fleet's trend; the charts say so when they stop early.
const MAX_PAGES = 10;

type Point = { kind: string; at: number };
type Series = { x: number[]; changed: number[]; failed: number[] };

function bucket(points: Point[], start: number, size: number, count: number): Series {
  const series: Series = { x: [], changed: [], failed: [] };
  for (let index = 0; index < count; index += 1) {
    series.x.push((start + index * size) / 1000);
    series.changed.push(0);
    series.failed.push(0);
  }
  for (const point of points) {
    const index = Math.floor((point.at - start) / size);
    if (index < 0 || index >= count) continue;
    if (point.kind === 'BACKUP_FAILED') series.failed[index] = (series.failed[index] ?? 0) + 1;
    else series.changed[index] = (series.changed[index] ?? 0) + 1;
  }
  return series;
}

/** Changed versions and failed backups per hour over 24 h and per day over 30 days (uPlot, loaded on demand). */
export function ActivityCharts() {
  const client = useClient();
  const [points, setPoints] = useState<Point[] | null>(null);
  const [truncated, setTruncated] = useState(false);
  const [now] = useState(() => Date.now());

  useEffect(() => {
    let cancelled = false;
    async function load() {
      const collected: Point[] = [];
      let after: string | null = null;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const result: { data?: ResultOf<typeof ActivityCharts_EventsQuery> } = await client
          .query(ActivityCharts_EventsQuery, { from: new Date(now - 30 * DAY).toISOString(), after })
          .toPromise();
        const events: ResultOf<typeof ActivityCharts_EventsQuery>['events'] | undefined = result.data?.events;
        if (!events) break;
        for (const { node } of events.edges) collected.push({ kind: node.kind, at: Date.parse(node.createdAt) });
        if (!events.pageInfo.hasNextPage || !events.pageInfo.endCursor) return collected;
        after = events.pageInfo.endCursor;
      }
      if (!cancelled) setTruncated(true);
      return collected;
    }
    void load().then((result) => {
      if (!cancelled) setPoints(result);
    });
    return () => {
      cancelled = true;
    };
  }, [client, now]);

  const hourStart = Math.floor((now - 23 * HOUR) / HOUR) * HOUR;
  const dayStart = Math.floor((now - 29 * DAY) / DAY) * DAY;
  return (
    <section aria-labelledby="activity-title" className="charts">
      <h2 id="activity-title">Activity</h2>
      {truncated ? <p className="muted small">Showing the newest {MAX_PAGES * 100} events.</p> : null}
      <div className="chart-row">
        <Chart
          title="Per hour, last 24 hours"
          series={points ? bucket(points, hourStart, HOUR, 24) : null}
          testId="chart-hourly"
        />
        <Chart
          title="Per day, last 30 days"
          series={points ? bucket(points, dayStart, DAY, 30) : null}
          testId="chart-daily"
        />
      </div>
      <p className="muted small">
        Changed versions are the versions stored because the configuration changed; the API does not count successful
        unchanged runs.
      </p>
    </section>
  );
}

function Chart({ title, series, testId }: { title: string; series: Series | null; testId: string }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element || !series) return;
    let plot: { destroy(): void } | null = null;
    let cancelled = false;
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return;
      const styles = getComputedStyle(document.documentElement);
      const ok = styles.getPropertyValue('--ok').trim() || '#1a7f4b';
      const bad = styles.getPropertyValue('--bad').trim() || '#b42318';
      const text = styles.getPropertyValue('--text').trim() || '#1d2330';
      const axis = { stroke: text, grid: { stroke: 'rgba(128,128,128,0.2)' } };
      plot = new UPlot(
        {
          width: Math.max(280, Math.min(element.clientWidth, 560)),
          height: 180,
          axes: [axis, axis],
          series: [
            {},
            { label: 'Changed versions', stroke: ok, width: 2 },
            { label: 'Failed backups', stroke: bad, width: 2 },
          ],
        },
        [series.x, series.changed, series.failed],
        element,
      );
    });
    return () => {
      cancelled = true;
      plot?.destroy();
    };
  }, [series]);

  const total = series ? series.changed.reduce((a, b) => a + b, 0) : null;
  const failed = series ? series.failed.reduce((a, b) => a + b, 0) : null;
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>
        {title}
        {total !== null ? (
          <span className="muted small">
            {' '}
            · {total} changed, {failed} failed
          </span>
        ) : null}
      </figcaption>
      <div
        ref={container}
        role="img"
        aria-label={`${title}: ${total ?? 0} changed versions, ${failed ?? 0} failed backups`}
      />
    </figure>
  );
}
