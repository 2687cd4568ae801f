import type { Metadata } from 'next';
import { AlertsInbox } from '../../components/alerts-inbox';

export const metadata: Metadata = { title: 'Alerts' };

export default function AlertsPage() {
  return (
    <>
      <h1>Alerts</h1>
      <AlertsInbox />
    </>
  );
}
