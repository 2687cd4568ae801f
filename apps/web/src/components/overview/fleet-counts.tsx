'use client';

import Link from 'next/link';
import { errorMessage } from '../../lib/error-message';
import { useLiveQuery } from '../../lib/use-live-query';
import { useThrottled } from '../../lib/use-throttled';
import { FleetCounts_FleetStatusQuery, type FleetCountsData } from './fleet-counts-query';
import { useJobEvents } from './use-job-finished';

const STATES = [
  { key: 'fresh', state: 'FRESH', label: 'Fresh' },
  { key: 'stale', state: 'STALE', label: 'Stale' },
  { key: 'failing', state: 'FAILING', label: 'Failing' },
  { key: 'never', state: 'NEVER', label: 'Never backed up' },
  { key: 'disabled', state: 'DISABLED', label: 'Disabled' },
] as const;

/** Devices per backup state, re-counted whenever a job ends; each count opens the filtered devices list. */
export function FleetCounts({ initial }: { initial: FleetCountsData | null }) {
  const [{ data: fetched, error }, reexecute] = useLiveQuery({ query: FleetCounts_FleetStatusQuery, variables: {} });
  // What the server rendered until the browser's own answer arrives.
  const data = fetched ?? initial;
  const recount = useThrottled(() => reexecute({ requestPolicy: 'network-only' }), 1_500);
  useJobEvents(() => {}, recount);

  if (error && !data) return <p className="notice notice-error">Could not count devices: {errorMessage(error)}</p>;
  const status = data?.fleetStatus;
  return (
    <section aria-labelledby="fleet-counts-title">
      <h2 id="fleet-counts-title" className="visually-hidden">
        Devices by backup state
      </h2>
      <ul className="count-cards" data-testid="fleet-counts">
        <li className="count-card">
          <Link href="/devices">
            <span className="count-value" data-testid="count-total">
              {status?.total ?? '…'}
            </span>
            <span className="count-label">Devices</span>
          </Link>
        </li>
        {STATES.map(({ key, state, label }) => (
          <li key={key} className={`count-card count-${key}`}>
            <Link href={`/devices?state=${state}`}>
              <span className="count-value" data-testid={`count-${key}`}>
                {status ? status[key] : '…'}
              </span>
              <span className="count-label">{label}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
