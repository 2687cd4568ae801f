import type { Metadata } from 'next';
import { ActiveJobs } from '../components/overview/active-jobs';
import { ActivityCharts } from '../components/overview/activity-charts';
import { FleetCounts } from '../components/overview/fleet-counts';
import { NeedsAttention } from '../components/overview/needs-attention';
import { RecentChanges } from '../components/overview/recent-changes';

export const metadata: Metadata = { title: 'Overview' };

export default function OverviewPage() {
  return (
    <>
      <h1>Overview</h1>
      <FleetCounts />
      <div className="overview-grid">
        <NeedsAttention />
        <ActiveJobs />
        <RecentChanges />
      </div>
      <ActivityCharts />
    </>
  );
}
