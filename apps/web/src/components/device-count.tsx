'use client';

import { useEffect, useState } from 'react';
import { useClient } from 'urql';
import { graphql } from '../lib/graphql';

// The devices connection has no totalCount, so the count pages through ids (100 per request) up to a cap.
const MAX_PAGES = 10;
const PAGE_SIZE = 100;

type DevicesPage = {
  devices: { edges: { cursor: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
};

const DeviceCount_DevicesQuery = graphql(`
  query DeviceCount_DevicesQuery($first: Int!, $after: String) {
    devices(first: $first, after: $after) {
      edges { cursor }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

/** How many devices the signed-in user can see, e.g. "7" or "1000+". */
export function DeviceCount() {
  const client = useClient();
  const [count, setCount] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    async function countDevices() {
      let total = 0;
      let after: string | null = null;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const result: { data?: DevicesPage } = await client
          .query(DeviceCount_DevicesQuery, { first: PAGE_SIZE, after }, { requestPolicy: 'network-only' })
          .toPromise();
        const devices = result.data?.devices;
        if (!devices) return null;
        total += devices.edges.length;
        if (!devices.pageInfo.hasNextPage || !devices.pageInfo.endCursor) return String(total);
        after = devices.pageInfo.endCursor;
      }
      return `${total}+`;
    }
    void countDevices().then((value) => {
      if (!cancelled) setCount(value);
    });
    return () => {
      cancelled = true;
    };
  }, [client]);

  if (count === null) return null;
  return (
    <span className="count-badge" data-testid="device-count" title={`${count} devices`}>
      {count}
    </span>
  );
}
