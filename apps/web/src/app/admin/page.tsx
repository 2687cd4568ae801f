import type { Metadata } from 'next';
import { AdminIndex } from '../../components/admin/admin-index';

export const metadata: Metadata = { title: 'Administration' };

export default function AdministrationPage() {
  return (
    <>
      <h1>Administration</h1>
      <AdminIndex />
      <p className="muted small">
        Not in the API yet, so not here: retention policies and storage locations can be chosen per device through
        setStoragePolicy but not created or listed with their push health; inventory sources.
      </p>
    </>
  );
}
