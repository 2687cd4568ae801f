import type { Metadata } from 'next';
import { DevicesPage } from '../../components/devices/devices-page';
import { parseDeviceListParams } from '../../lib/device-list-params';
import type { SearchParamValue } from '../../lib/search-params';

export const metadata: Metadata = { title: 'Devices' };

export default async function DevicesRoute({
  searchParams,
}: {
  searchParams: Promise<Record<string, SearchParamValue>>;
}) {
  return <DevicesPage params={parseDeviceListParams(await searchParams)} />;
}
