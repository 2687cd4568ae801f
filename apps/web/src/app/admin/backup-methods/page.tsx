import type { Metadata } from 'next';
import { BackupMethods } from '../../../components/admin/backup-methods';

export const metadata: Metadata = { title: 'Backup methods' };

export default function AdminBackupMethodsPage() {
  return (
    <>
      <h1>Backup methods</h1>
      <BackupMethods />
    </>
  );
}
