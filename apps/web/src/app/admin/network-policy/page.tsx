import type { Metadata } from 'next';
import { NetworkPolicyAdmin } from '../../../components/admin/network-policy-admin';
import { PermissionGate } from '../../../components/permission-gate';

export const metadata: Metadata = { title: 'Network policy' };

export default function NetworkPolicyPage() {
  return (
    <>
      <h1>Network policy</h1>
      <p className="muted">Jobs connect only to addresses this policy allows (checked after name resolution).</p>
      <PermissionGate need="admin">
        <NetworkPolicyAdmin />
      </PermissionGate>
    </>
  );
}
