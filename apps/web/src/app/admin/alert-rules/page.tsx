import type { Metadata } from 'next';
import { AlertRulesAdmin } from '../../../components/admin/alert-rules-admin';
import { PermissionGate } from '../../../components/permission-gate';

export const metadata: Metadata = { title: 'Alert rules' };

export default function AdminAlertRulesPage() {
  return (
    <>
      <h1>Alert rules</h1>
      <PermissionGate need="admin">
        <AlertRulesAdmin />
      </PermissionGate>
    </>
  );
}
