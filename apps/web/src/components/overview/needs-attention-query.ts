// The failing devices' query in a module of its own (no 'use client'): the overview's server component reads
// it so the HTML holds them (issue 15 item 9); NeedsAttention keeps them live with the same document.
import { graphql, type ResultOf } from '../../lib/graphql';

export const NeedsAttention_FailingQuery = graphql(`
  query NeedsAttention_FailingQuery {
    devices(first: 10, filter: { backupState: FAILING }, orderBy: NAME) {
      edges {
        node {
          id
          name
          consecutiveFailures
          lastFailureAt
          lastJob { id errorCode errorMessage }
        }
      }
    }
  }
`);

export type NeedsAttentionData = ResultOf<typeof NeedsAttention_FailingQuery>;
