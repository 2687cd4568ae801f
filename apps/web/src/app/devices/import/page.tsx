import type { Metadata } from 'next';
import { CsvImport } from '../../../components/devices/csv-import';
import { PermissionGate } from '../../../components/permission-gate';

export const metadata: Metadata = { title: 'Import devices' };

export default function ImportDevicesPage() {
  return (
    <>
      <h1>Import devices from CSV</h1>
      <PermissionGate need="operator">
        <CsvImport />
      </PermissionGate>
    </>
  );
}
