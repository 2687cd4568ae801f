import { DevicesTable } from '../components/devices-table';

export default function DevicesPage() {
  return (
    <>
      <h1>Devices</h1>
      <DevicesTable />
    </>
  );
}
