import type { Metadata } from 'next';
import { AuditLog } from '../../../components/admin/audit-log';
import { PermissionGate } from '../../../components/permission-gate';

export const metadata: Metadata = { title: 'Audit log' };

export default function AdminAuditPage() {
  return (
    <>
      <h1>Audit log</h1>
      <PermissionGate need="admin">
        <AuditLog />
      </PermissionGate>
    </>
  );
}
