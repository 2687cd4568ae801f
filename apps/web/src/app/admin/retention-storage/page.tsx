import type { Metadata } from 'next';
import { RetentionStorageAdmin } from '../../../components/admin/retention-storage-admin';
import { PermissionGate } from '../../../components/permission-gate';

export const metadata: Metadata = { title: 'Retention and storage' };

export default function RetentionStoragePage() {
  return (
    <>
      <h1>Retention and storage</h1>
      <PermissionGate need="admin">
        <RetentionStorageAdmin />
      </PermissionGate>
    </>
  );
}
