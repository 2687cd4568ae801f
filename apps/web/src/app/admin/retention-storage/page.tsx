import type { Metadata } from 'next';
import { RetentionStorageAdmin } from '../../../components/admin/retention-storage-admin';

export const metadata: Metadata = { title: 'Retention and storage' };

export default function RetentionStoragePage() {
  return (
    <>
      <h1>Retention and storage</h1>
      <RetentionStorageAdmin />
    </>
  );
}
