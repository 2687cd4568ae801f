import type { Metadata } from 'next';
import { DeviceForm } from '../../../../components/devices/device-form';

export const metadata: Metadata = { title: 'Edit device' };

export default async function EditDevicePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <h1>Edit device</h1>
      <DeviceForm deviceId={decodeURIComponent(id)} />
    </>
  );
}
