// The fleet counts' query in a module of its own (no 'use client'): the overview's server component reads it
// so the HTML holds the counts (issue 15 item 9); FleetCounts keeps them live with the same document.
import { graphql, type ResultOf } from '../../lib/graphql';

export const FleetCounts_FleetStatusQuery = graphql(`
  query FleetCounts_FleetStatusQuery {
    fleetStatus { total fresh stale failing never disabled }
  }
`);

export type FleetCountsData = ResultOf<typeof FleetCounts_FleetStatusQuery>;
