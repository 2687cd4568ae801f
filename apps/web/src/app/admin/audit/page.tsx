import type { Metadata } from 'next';
import { AuditLog } from '../../../components/admin/audit-log';
import { PermissionGate } from '../../../components/permission-gate';
import { parseAuditLogParams } from '../../../lib/audit-log-params';
import type { SearchParamValue } from '../../../lib/search-params';

export const metadata: Metadata = { title: 'Audit log' };

export default async function AdminAuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, SearchParamValue>>;
}) {
  const params = parseAuditLogParams(await searchParams);
  return (
    <>
      <h1>Audit log</h1>
      <PermissionGate need="admin">
        <AuditLog params={params} />
      </PermissionGate>
    </>
  );
}
