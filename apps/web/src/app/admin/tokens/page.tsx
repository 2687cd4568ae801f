import type { Metadata } from 'next';
import { ApiTokensAdmin } from '../../../components/admin/api-tokens-admin';

export const metadata: Metadata = { title: 'API tokens' };

export default function AdminTokensPage() {
  return (
    <>
      <h1>API tokens</h1>
      <ApiTokensAdmin />
    </>
  );
}
