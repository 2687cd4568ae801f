import type { Metadata } from 'next';
import { ActiveJobs } from '../components/overview/active-jobs';
import { ActivityCharts } from '../components/overview/activity-charts';
import { FleetCounts } from '../components/overview/fleet-counts';
import { FleetCounts_FleetStatusQuery } from '../components/overview/fleet-counts-query';
import { NeedsAttention } from '../components/overview/needs-attention';
import { RecentChanges } from '../components/overview/recent-changes';
import { queryOnServer } from '../lib/server-query';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  // The counts go out in the HTML when the visitor's session allows.
  const counts = await queryOnServer(FleetCounts_FleetStatusQuery, {});
  return (
    <>
      <h1>Overview</h1>
      <FleetCounts initial={counts} />
      <div className="overview-grid">
        <NeedsAttention />
        <ActiveJobs />
        <RecentChanges />
      </div>
      <ActivityCharts />
    </>
  );
}
