import type { Metadata } from 'next';
import { DeviceForm } from '../../../components/devices/device-form';

export const metadata: Metadata = { title: 'Add device' };

export default function NewDevicePage() {
  return (
    <>
      <h1>Add device</h1>
      <DeviceForm deviceId={null} />
    </>
  );
}
