import type { Metadata } from 'next';
import { ConfigRulesAdmin } from '../../../components/admin/config-rules-admin';
import { PermissionGate } from '../../../components/permission-gate';

export const metadata: Metadata = { title: 'Scrub rules and filters' };

export default function ConfigRulesPage() {
  return (
    <>
      <h1>Scrub rules and filters</h1>
      <p className="muted">Masks and filters apply to new versions; preview one on a stored version first.</p>
      <PermissionGate need="operator">
        <ConfigRulesAdmin />
      </PermissionGate>
    </>
  );
}
