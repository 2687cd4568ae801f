import type { Metadata } from 'next';
import { DeviceGroupsAdmin } from '../../../components/admin/device-groups-admin';

export const metadata: Metadata = { title: 'Device groups' };

export default function AdminDeviceGroupsPage() {
  return (
    <>
      <h1>Device groups</h1>
      <p className="muted">Users are granted device groups; operators act only on their groups.</p>
      <DeviceGroupsAdmin />
    </>
  );
}
