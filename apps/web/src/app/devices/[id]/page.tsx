import type { Metadata } from 'next';
import { DeviceDetail } from '../../../components/device-detail';
import { firstParam, positiveIntParam, type SearchParamValue } from '../../../lib/search-params';

export const metadata: Metadata = { title: 'Device' };

export default async function DevicePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ version?: SearchParamValue; line?: SearchParamValue }>;
}) {
  const { id } = await params;
  const { version, line } = await searchParams;
  return (
    <DeviceDetail
      deviceId={safeDecode(id)}
      initialVersionId={firstParam(version)}
      initialLine={positiveIntParam(line)}
    />
  );
}

// Device ids may be opaque (base64 Relay ids with `/` or `+`), so links encode them.
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
