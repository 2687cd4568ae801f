import type { Metadata } from 'next';
import { DevicesPage } from '../../components/devices/devices-page';
import { DevicesPage_DevicesQuery, devicesQueryVariables } from '../../components/devices/devices-query';
import { parseDeviceListParams } from '../../lib/device-list-params';
import type { SearchParamValue } from '../../lib/search-params';
import { queryOnServer } from '../../lib/server-query';

export const metadata: Metadata = { title: 'Devices' };

export default async function DevicesRoute({
  searchParams,
}: {
  searchParams: Promise<Record<string, SearchParamValue>>;
}) {
  const params = parseDeviceListParams(await searchParams);
  // The first page of rows goes out in the HTML when the visitor's session allows.
  const initial = await queryOnServer(DevicesPage_DevicesQuery, devicesQueryVariables(params));
  return <DevicesPage params={params} initial={initial} />;
}
