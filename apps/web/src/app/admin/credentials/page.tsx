import type { Metadata } from 'next';
import { CredentialsAdmin } from '../../../components/admin/credentials-admin';

export const metadata: Metadata = { title: 'Credentials' };

export default function AdminCredentialsPage() {
  return (
    <>
      <h1>Credentials</h1>
      <p className="muted">The secret is write-only: it is stored encrypted and never shown again.</p>
      <CredentialsAdmin />
    </>
  );
}
