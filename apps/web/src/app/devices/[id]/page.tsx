import { DeviceDetail } from '../../../components/device-detail';

export default async function DevicePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <DeviceDetail deviceId={safeDecode(id)} />;
}

// Device ids may be opaque (base64 Relay ids with `/` or `+`), so links encode them.
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
