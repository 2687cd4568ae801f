import type { Metadata } from 'next';
import { AdminIndex } from '../../components/admin/admin-index';

export const metadata: Metadata = { title: 'Administration' };

export default function AdministrationPage() {
  return (
    <>
      <h1>Administration</h1>
      <AdminIndex />
      <p className="muted small">
        Not in the API yet, so not here: storage push health, inventory sources and their sync reports, a jobs history
        query.
      </p>
    </>
  );
}
