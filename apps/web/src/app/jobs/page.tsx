import type { Metadata } from 'next';
import { JobsPage } from '../../components/jobs/jobs-page';
import { parseJobListParams } from '../../lib/job-list-params';
import type { SearchParamValue } from '../../lib/search-params';

export const metadata: Metadata = { title: 'Jobs' };

export default async function JobsRoute({ searchParams }: { searchParams: Promise<Record<string, SearchParamValue>> }) {
  return <JobsPage params={parseJobListParams(await searchParams)} />;
}
