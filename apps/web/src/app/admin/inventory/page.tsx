import type { Metadata } from 'next';
import { InventorySourcesAdmin } from '../../../components/admin/inventory-sources-admin';

export const metadata: Metadata = { title: 'Inventory sources' };

export default function InventoryPage() {
  return (
    <>
      <h1>Inventory sources</h1>
      <InventorySourcesAdmin />
    </>
  );
}
