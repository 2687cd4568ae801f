'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { type DeviceListParams, deviceListHref } from '../../lib/device-list-params';
import { errorMessage } from '../../lib/error-message';
import { graphql } from '../../lib/graphql';
import {
  isTerminal,
  type LiveJob,
  LiveJob_JobProgressEventFragment,
  laterJobState,
  liveJobFromEvent,
  liveJobFromJob,
} from '../../lib/job-status';
import { useLiveQuery } from '../../lib/use-live-query';
import { useNow } from '../../lib/use-now';
import { useSubscriptionEvents } from '../../lib/use-subscription-events';
import { useThrottled } from '../../lib/use-throttled';
import { Pager } from '../pager';
import { usePermissions } from '../viewer-provider';
import { BulkActions } from './bulk-actions';
import { DeviceFilters } from './device-filters';
import { DeviceRow } from './device-row';
import { DevicesPage_DevicesQuery, type DevicesPageData, devicesQueryVariables } from './devices-query';

const DevicesPage_JobEventsSubscription = graphql(
  `
  subscription DevicesPage_JobEventsSubscription {
    jobEvents { ...LiveJob_JobProgressEventFragment }
  }
`,
  [LiveJob_JobProgressEventFragment],
);

const DevicesPage_DevicesChangedSubscription = graphql(`
  subscription DevicesPage_DevicesChangedSubscription {
    devicesChanged { kind }
  }
`);

/** The fleet as a table: filters and sort in the URL, live job states, bulk actions on the selection. */
export function DevicesPage({ params, initial }: { params: DeviceListParams; initial: DevicesPageData | null }) {
  const router = useRouter();
  const now = useNow();
  const permissions = usePermissions();
  const [liveJobs, setLiveJobs] = useState<Record<string, LiveJob>>({});
  const [selected, setSelected] = useState<Set<string>>(new Set());
  // "Select all N matching": the bulk actions then take the list's filter (every page), not the ids.
  const [allMatching, setAllMatching] = useState(false);

  const [{ data: fetched, fetching, error }, reexecute] = useLiveQuery({
    query: DevicesPage_DevicesQuery,
    variables: devicesQueryVariables(params),
  });
  // What the server rendered until the browser's own answer arrives.
  const data = fetched ?? initial;
  const reread = useThrottled(() => reexecute({ requestPolicy: 'network-only' }), 1_000);

  function applyJobState(deviceId: string, job: LiveJob) {
    setLiveJobs((current) => {
      const next = laterJobState(current[deviceId], job);
      return next === current[deviceId] || !next ? current : { ...current, [deviceId]: next };
    });
    // A finished job changes the row's backup state and last backup, which the event does not carry.
    if (isTerminal(job.status)) reread();
  }

  useSubscriptionEvents(DevicesPage_JobEventsSubscription, {}, ({ jobEvents }) => {
    applyJobState(jobEvents.deviceId, liveJobFromEvent(jobEvents));
  });

  // Devices created, edited or removed by anyone (another tab, a colleague, an import, an inventory sync)
  // show without a reload: the page of rows is read again on each such write (throttled).
  useSubscriptionEvents(DevicesPage_DevicesChangedSubscription, {}, () => reread());

  function go(next: Partial<DeviceListParams>) {
    setSelected(new Set());
    setAllMatching(false);
    router.push(deviceListHref({ ...params, after: null, ...next }));
  }

  const rows = data?.devices.edges.map((edge) => edge.node) ?? [];
  const canOperateAny = permissions.canOperate();
  const operable = rows.filter((row) => permissions.canOperate(row.deviceGroup?.id ?? null));
  const allSelected = operable.length > 0 && operable.every((row) => selected.has(row.id));
  const totalCount = data?.devices.totalCount ?? 0;
  // Only when every row could be picked: the server refuses a filter reaching a device the caller can't change.
  const offerAllMatching = allSelected && operable.length === rows.length && totalCount > rows.length;

  function select(next: Set<string>) {
    setSelected(next);
    setAllMatching(false);
  }

  return (
    <>
      <div className="title-row">
        <h1>Devices</h1>
        {canOperateAny ? (
          <span className="title-actions">
            <Link className="button" href="/devices/new">
              Add device
            </Link>
            <Link className="button button-quiet" href="/devices/import">
              Import CSV
            </Link>
          </span>
        ) : null}
      </div>
      <DeviceFilters params={params} onChange={go} />
      {canOperateAny ? (
        <BulkActions
          selectedIds={[...selected]}
          matching={
            allMatching && offerAllMatching ? { filter: devicesQueryVariables(params).filter, count: totalCount } : null
          }
          deviceGroupId={params.group}
          onDone={() => {
            select(new Set());
            reexecute({ requestPolicy: 'network-only' });
          }}
        />
      ) : null}
      {canOperateAny && offerAllMatching ? (
        <p className="notice" data-testid="select-all-matching">
          {allMatching ? (
            <>
              All {totalCount} devices matching the filter are selected, on every page.{' '}
              <button type="button" className="button button-quiet button-small" onClick={() => select(new Set())}>
                Clear selection
              </button>
            </>
          ) : (
            <>
              All {rows.length} devices on this page are selected.{' '}
              <button type="button" className="button button-quiet button-small" onClick={() => setAllMatching(true)}>
                Select all {totalCount} matching
              </button>
            </>
          )}
        </p>
      ) : null}
      {error && !data ? <p className="notice notice-error">Could not load devices: {errorMessage(error)}</p> : null}
      {!data && !error ? <p className="notice">Loading devices…</p> : null}
      {data && rows.length === 0 ? <p className="notice">No devices match.</p> : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className="data-table" data-testid="devices-table" aria-busy={fetching}>
            <thead>
              <tr>
                {canOperateAny ? (
                  <th className="pick">
                    <input
                      type="checkbox"
                      aria-label="Select every device on this page"
                      checked={allSelected}
                      onChange={(event) =>
                        select(event.target.checked ? new Set(operable.map((row) => row.id)) : new Set())
                      }
                    />
                  </th>
                ) : null}
                <th>Name</th>
                <th>Host</th>
                <th>Plugin</th>
                <th>Group</th>
                <th>Collection</th>
                <th>State</th>
                <th>Last backup</th>
                <th>Last job</th>
                {canOperateAny ? (
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((device) => {
                const rowCanOperate = permissions.canOperate(device.deviceGroup?.id ?? null);
                return (
                  <DeviceRow
                    key={device.id}
                    device={device}
                    job={laterJobState(liveJobFromJob(device.lastJob), liveJobs[device.id])}
                    now={now}
                    selected={selected.has(device.id)}
                    actionColumns={canOperateAny}
                    canOperate={rowCanOperate}
                    onSelect={(checked) => {
                      setAllMatching(false);
                      setSelected((current) => {
                        const next = new Set(current);
                        if (checked) next.add(device.id);
                        else next.delete(device.id);
                        return next;
                      });
                    }}
                    onProgress={(job) => applyJobState(device.id, job)}
                  />
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager
        label="Device pages"
        isFirstPage={!params.after}
        nextHref={
          data?.devices.pageInfo.hasNextPage && data.devices.pageInfo.endCursor
            ? deviceListHref({ ...params, after: data.devices.pageInfo.endCursor })
            : null
        }
        status={fetching && !data ? 'loading…' : `${rows.length} shown`}
      />
    </>
  );
}
