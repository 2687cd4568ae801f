import type { Metadata } from 'next';
import { ChannelsAdmin } from '../../../components/admin/channels-admin';
import { PermissionGate } from '../../../components/permission-gate';

export const metadata: Metadata = { title: 'Notification channels' };

export default function AdminChannelsPage() {
  return (
    <>
      <h1>Notification channels</h1>
      <PermissionGate need="admin">
        <ChannelsAdmin />
      </PermissionGate>
    </>
  );
}
