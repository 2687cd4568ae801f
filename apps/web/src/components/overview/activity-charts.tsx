'use client';

import { useEffect, useRef, useState } from 'react';
import 'uplot/dist/uPlot.min.css';
import { useLiveQuery } from '../../lib/use-live-query';
import { useThrottled } from '../../lib/use-throttled';
import { ActivityCharts_ActivityQuery, type ActivityChartsData, activityVariables } from './activity-charts-query';
import { useJobEvents } from './use-job-finished';

type Bucket = ActivityChartsData['hourly'][number];
type Line = { label: string; values: number[]; color: 'ok' | 'bad' | 'text' };

/**
 * Successful and failed backups per hour over 24 h and per day over 30 days, and versions stored per day
 * (UTC buckets; uPlot, loaded on demand); re-read (throttled) as jobs end.
 */
export function ActivityCharts({ initial }: { initial: { now: number; data: ActivityChartsData | null } }) {
  // The server's clock: the browser asks with the variables the server's answer was read with.
  const [now] = useState(() => initial.now);
  const [{ data: fetched }, reexecute] = useLiveQuery({
    query: ActivityCharts_ActivityQuery,
    variables: activityVariables(now),
  });
  // What the server rendered until the browser's own answer arrives.
  const data = fetched ?? initial.data;
  const reread = useThrottled(() => reexecute({ requestPolicy: 'network-only' }), 10_000);
  useJobEvents(() => {}, reread);

  const outcomes = (buckets: Bucket[] | undefined): Line[] | null =>
    buckets
      ? [
          { label: 'Successful backups', values: buckets.map((b) => b.succeeded), color: 'ok' },
          { label: 'Failed backups', values: buckets.map((b) => b.failed), color: 'bad' },
        ]
      : null;
  const times = (buckets: Bucket[] | undefined) => buckets?.map((b) => Date.parse(b.start) / 1000) ?? [];
  return (
    <section aria-labelledby="activity-title" className="charts">
      <h2 id="activity-title">Activity</h2>
      <div className="chart-row">
        <Chart
          title="Backups per hour, last 24 hours (UTC)"
          x={times(data?.hourly)}
          lines={outcomes(data?.hourly)}
          testId="chart-hourly"
        />
        <Chart
          title="Backups per day, last 30 days (UTC)"
          x={times(data?.daily)}
          lines={outcomes(data?.daily)}
          testId="chart-daily"
        />
        <Chart
          title="Versions stored per day, last 30 days (UTC)"
          x={times(data?.daily)}
          lines={data ? [{ label: 'Versions stored', values: data.daily.map((b) => b.versions), color: 'text' }] : null}
          testId="chart-versions"
        />
      </div>
    </section>
  );
}

function Chart({ title, x, lines, testId }: { title: string; x: number[]; lines: Line[] | null; testId: string }) {
  const container = useRef<HTMLDivElement>(null);
  // Redrawn when the numbers change, not on every render (the arrays are rebuilt each time).
  const dataKey = JSON.stringify([x, lines]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: dataKey stands for x and lines by value
  useEffect(() => {
    const element = container.current;
    if (!element || !lines) return;
    let plot: { destroy(): void } | null = null;
    let cancelled = false;
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return;
      const styles = getComputedStyle(document.documentElement);
      const colors = {
        ok: styles.getPropertyValue('--ok').trim() || '#1a7f4b',
        bad: styles.getPropertyValue('--bad').trim() || '#b42318',
        text: styles.getPropertyValue('--text').trim() || '#1d2330',
      };
      const axis = { stroke: colors.text, grid: { stroke: 'rgba(128,128,128,0.2)' } };
      plot = new UPlot(
        {
          width: Math.max(280, Math.min(element.clientWidth, 560)),
          height: 180,
          axes: [axis, axis],
          series: [{}, ...lines.map((line) => ({ label: line.label, stroke: colors[line.color], width: 2 }))],
        },
        [x, ...lines.map((line) => line.values)],
        element,
      );
    });
    return () => {
      cancelled = true;
      plot?.destroy();
    };
  }, [dataKey]);

  const summary = lines
    ? lines.map((line) => `${line.values.reduce((a, b) => a + b, 0)} ${line.label.toLowerCase()}`).join(', ')
    : null;
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>
        {title}
        {summary ? <span className="muted small"> · {summary}</span> : null}
      </figcaption>
      <div ref={container} role="img" aria-label={`${title}: ${summary ?? 'loading'}`} />
    </figure>
  );
}
