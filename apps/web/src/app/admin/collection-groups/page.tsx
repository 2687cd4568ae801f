import type { Metadata } from 'next';
import { CollectionGroupsAdmin } from '../../../components/admin/collection-groups-admin';

export const metadata: Metadata = { title: 'Collection groups' };

export default function AdminCollectionGroupsPage() {
  return (
    <>
      <h1>Collection groups</h1>
      <p className="muted">When devices are collected: schedule, time zone and backup window.</p>
      <CollectionGroupsAdmin />
    </>
  );
}
