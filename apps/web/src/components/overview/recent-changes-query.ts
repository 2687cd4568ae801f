// The recent changes' query in a module of its own (no 'use client'): the overview's server component reads
// it so the HTML holds them (issue 15 item 9); RecentChanges keeps them live with the same document.
import { graphql, type ResultOf } from '../../lib/graphql';

export const RecentChanges_EventsQuery = graphql(`
  query RecentChanges_EventsQuery {
    events(first: 10, filter: { kinds: [BACKUP_CHANGED] }) {
      edges { node { id createdAt payload device { id name } } }
    }
  }
`);

export type RecentChangesData = ResultOf<typeof RecentChanges_EventsQuery>;
