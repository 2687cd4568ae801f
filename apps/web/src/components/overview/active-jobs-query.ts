// The in-flight jobs' query in a module of its own (no 'use client'): the overview's server component reads
// it so the HTML holds them (issue 15 item 9); ActiveJobs keeps them live with the same document.
import { graphql, type ResultOf } from '../../lib/graphql';

// The in-flight jobs at load (newest 100), then live events move them along.
export const ActiveJobs_JobsQuery = graphql(`
  query ActiveJobs_JobsQuery {
    jobs(first: 100, filter: { states: [QUEUED, RUNNING, STORING] }) {
      edges { node { id status createdAt device { id name deviceGroup { id } } } }
    }
  }
`);

export type ActiveJobsData = ResultOf<typeof ActiveJobs_JobsQuery>;
