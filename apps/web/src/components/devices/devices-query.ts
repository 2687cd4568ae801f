// The devices page's list query in a module of its own (no 'use client'): the route's server component reads
// the first page with it, so the HTML holds the rows (issue 15 item 9), and the page's client component keeps
// it live with the same document and variables.
import type { DeviceListParams } from '../../lib/device-list-params';
import { graphql, type ResultOf } from '../../lib/graphql';
import { DeviceRow_DeviceFragment } from './device-row';

const PAGE_SIZE = 50;

export const DevicesPage_DevicesQuery = graphql(
  `
  query DevicesPage_DevicesQuery($first: Int!, $after: String, $filter: DeviceFilter, $orderBy: DeviceOrder) {
    devices(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      edges { cursor node { ...DeviceRow_DeviceFragment } }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }
`,
  [DeviceRow_DeviceFragment],
);

export type DevicesPageData = ResultOf<typeof DevicesPage_DevicesQuery>;

/** The list's variables for the filters, sort and page in the URL. */
export function devicesQueryVariables(params: DeviceListParams) {
  return {
    first: PAGE_SIZE,
    after: params.after,
    filter: {
      search: params.search,
      deviceGroupId: params.group,
      collectionGroupId: params.collection,
      pluginKey: params.plugin,
      backupState: params.state,
      enabled: params.enabled,
      archived: params.archived ? true : null,
    },
    orderBy: params.sort,
  };
}
