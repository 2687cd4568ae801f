import type { Metadata } from 'next';
import { ActiveJobs } from '../components/overview/active-jobs';
import { ActiveJobs_JobsQuery } from '../components/overview/active-jobs-query';
import { ActivityCharts } from '../components/overview/activity-charts';
import { ActivityCharts_ActivityQuery, activityVariables } from '../components/overview/activity-charts-query';
import { FleetCounts } from '../components/overview/fleet-counts';
import { FleetCounts_FleetStatusQuery } from '../components/overview/fleet-counts-query';
import { NeedsAttention } from '../components/overview/needs-attention';
import { NeedsAttention_FailingQuery } from '../components/overview/needs-attention-query';
import { RecentChanges } from '../components/overview/recent-changes';
import { RecentChanges_EventsQuery } from '../components/overview/recent-changes-query';
import { queryOnServer } from '../lib/server-query';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  // Every panel's first data goes out in the HTML when the visitor's session allows: read side by side, so
  // the page waits at most one answer's 1.5 s; a panel whose answer is late loads in the browser as before.
  const now = Date.now();
  const [counts, failing, jobs, changes, activity] = await Promise.all([
    queryOnServer(FleetCounts_FleetStatusQuery, {}),
    queryOnServer(NeedsAttention_FailingQuery, {}),
    queryOnServer(ActiveJobs_JobsQuery, {}),
    queryOnServer(RecentChanges_EventsQuery, {}),
    queryOnServer(ActivityCharts_ActivityQuery, activityVariables(now)),
  ]);
  return (
    <>
      <h1>Overview</h1>
      <FleetCounts initial={counts} />
      <div className="overview-grid">
        <NeedsAttention initial={failing} />
        <ActiveJobs initial={jobs} />
        <RecentChanges initial={changes} />
      </div>
      <ActivityCharts initial={{ now, data: activity }} />
    </>
  );
}
