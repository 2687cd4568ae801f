'use client';

import { useRouter } from 'next/navigation';
import { useId } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../lib/graphql';

const CompareWithDevice_DevicesQuery = graphql(`
  query CompareWithDevice_DevicesQuery {
    devices(first: 100, orderBy: NAME) { edges { node { id name lastBackup { id isBinary } } } }
  }
`);

/** Compares this device's latest text version with another device's latest (e.g. two switches of a pair). */
export function CompareWithDevice({ deviceId, latestBackupId }: { deviceId: string; latestBackupId: string }) {
  const id = useId();
  const router = useRouter();
  const [{ data }] = useQuery({ query: CompareWithDevice_DevicesQuery });
  const others =
    data?.devices.edges
      .map((edge) => edge.node)
      .filter((device) => device.id !== deviceId && device.lastBackup && !device.lastBackup.isBinary) ?? [];
  if (others.length === 0) return null;
  return (
    <span className="filter">
      <label htmlFor={id}>Compare latest with</label>
      <select
        id={id}
        defaultValue=""
        onChange={(event) => {
          const other = others.find((device) => device.id === event.target.value);
          if (!other?.lastBackup) return;
          router.push(
            `/compare?from=${encodeURIComponent(other.lastBackup.id)}&to=${encodeURIComponent(latestBackupId)}`,
          );
        }}
      >
        <option value="">another device…</option>
        {others.map((device) => (
          <option key={device.id} value={device.id}>
            {device.name}
          </option>
        ))}
      </select>
    </span>
  );
}
