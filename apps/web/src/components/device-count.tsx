'use client';

import { useQuery } from 'urql';
import { graphql } from '../lib/graphql';

// One count(*) on the server: the list's totalCount with no filter, no rows.
const DeviceCount_DevicesQuery = graphql(`
  query DeviceCount_DevicesQuery {
    devices(first: 0) { totalCount }
  }
`);

/** How many devices the signed-in user can see. */
export function DeviceCount() {
  const [{ data }] = useQuery({ query: DeviceCount_DevicesQuery, requestPolicy: 'network-only' });
  const count = data?.devices.totalCount;
  if (count === undefined) return null;
  return (
    <span className="count-badge" data-testid="device-count" title={`${count} devices`}>
      {count}
    </span>
  );
}
