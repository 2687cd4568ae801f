import type { Metadata } from 'next';
import { JobsBoard } from '../../components/jobs-board';

export const metadata: Metadata = { title: 'Jobs' };

export default function JobsPage() {
  return (
    <>
      <h1>Jobs</h1>
      <JobsBoard />
    </>
  );
}
