import type { Metadata } from 'next';
import { UsersAdmin } from '../../../components/admin/users-admin';
import { PermissionGate } from '../../../components/permission-gate';

export const metadata: Metadata = { title: 'Users' };

export default function AdminUsersPage() {
  return (
    <>
      <h1>Users and grants</h1>
      <PermissionGate need="admin">
        <UsersAdmin />
      </PermissionGate>
    </>
  );
}
