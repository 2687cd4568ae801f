import type { Metadata } from 'next';
import { InventorySourcesAdmin } from '../../../components/admin/inventory-sources-admin';
import { PermissionGate } from '../../../components/permission-gate';

export const metadata: Metadata = { title: 'Inventory sources' };

export default function InventoryPage() {
  return (
    <>
      <h1>Inventory sources</h1>
      <PermissionGate need="admin">
        <InventorySourcesAdmin />
      </PermissionGate>
    </>
  );
}
