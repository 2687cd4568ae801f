'use client';

import { type FormEvent, useId } from 'react';
import { useQuery } from 'urql';
import { BACKUP_STATES, type DeviceListParams } from '../../lib/device-list-params';
import { graphql } from '../../lib/graphql';

const DeviceFilters_OptionsQuery = graphql(`
  query DeviceFilters_OptionsQuery {
    deviceGroups(first: 100) { edges { node { id name } } }
    collectionGroups(first: 100) { edges { node { id name } } }
    backupMethods { key friendlyName }
  }
`);

/** Search, group, collection group, plugin, state and enabled filters plus sort; every change becomes a new URL. */
export function DeviceFilters({
  params,
  onChange,
}: {
  params: DeviceListParams;
  onChange: (next: Partial<DeviceListParams>) => void;
}) {
  const id = useId();
  const [{ data }] = useQuery({ query: DeviceFilters_OptionsQuery });

  function submitSearch(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('q') ?? '').trim();
    onChange({ search: value || null });
  }

  return (
    <div className="filters" data-testid="device-filters">
      <form onSubmit={submitSearch} className="filter-search" aria-label="Search devices">
        <label htmlFor={`${id}-q`} className="visually-hidden">
          Search devices by name or host
        </label>
        <input
          id={`${id}-q`}
          name="q"
          type="search"
          placeholder="Name or host"
          defaultValue={params.search ?? ''}
          key={params.search ?? ''}
        />
        <button type="submit" className="button button-quiet">
          Search
        </button>
      </form>
      <span className="filter">
        <label htmlFor={`${id}-group`}>Group</label>{' '}
        <select
          id={`${id}-group`}
          value={params.group ?? ''}
          onChange={(event) => onChange({ group: event.target.value || null })}
        >
          <option value="">All groups</option>
          {data?.deviceGroups.edges.map(({ node }) => (
            <option key={node.id} value={node.id}>
              {node.name}
            </option>
          ))}
        </select>
      </span>
      <span className="filter">
        <label htmlFor={`${id}-collection`}>Collection group</label>{' '}
        <select
          id={`${id}-collection`}
          value={params.collection ?? ''}
          onChange={(event) => onChange({ collection: event.target.value || null })}
        >
          <option value="">Any collection group</option>
          {data?.collectionGroups.edges.map(({ node }) => (
            <option key={node.id} value={node.id}>
              {node.name}
            </option>
          ))}
        </select>
      </span>
      <span className="filter">
        <label htmlFor={`${id}-plugin`}>Plugin</label>{' '}
        <select
          id={`${id}-plugin`}
          value={params.plugin ?? ''}
          onChange={(event) => onChange({ plugin: event.target.value || null })}
        >
          <option value="">All plugins</option>
          {data?.backupMethods.map((method) => (
            <option key={method.key} value={method.key}>
              {method.friendlyName}
            </option>
          ))}
        </select>
      </span>
      <span className="filter">
        <label htmlFor={`${id}-state`}>State</label>{' '}
        <select
          id={`${id}-state`}
          value={params.state ?? ''}
          onChange={(event) => onChange({ state: BACKUP_STATES.find((state) => state === event.target.value) ?? null })}
        >
          <option value="">Any state</option>
          {BACKUP_STATES.map((state) => (
            <option key={state} value={state}>
              {state.toLowerCase()}
            </option>
          ))}
        </select>
      </span>
      <span className="filter">
        <label htmlFor={`${id}-enabled`}>Enabled</label>{' '}
        <select
          id={`${id}-enabled`}
          value={params.enabled === null ? '' : String(params.enabled)}
          onChange={(event) => onChange({ enabled: event.target.value === '' ? null : event.target.value === 'true' })}
        >
          <option value="">Either</option>
          <option value="true">Enabled</option>
          <option value="false">Disabled</option>
        </select>
      </span>
      <label className="toggle">
        <input
          type="checkbox"
          checked={params.archived}
          onChange={(event) => onChange({ archived: event.target.checked })}
        />
        Archived
      </label>
      <span className="filter">
        <label htmlFor={`${id}-sort`}>Sort</label>{' '}
        <select
          id={`${id}-sort`}
          value={params.sort}
          onChange={(event) => onChange({ sort: event.target.value === 'CREATED_AT' ? 'CREATED_AT' : 'NAME' })}
        >
          <option value="NAME">Name</option>
          <option value="CREATED_AT">Newest</option>
        </select>
      </span>
    </div>
  );
}
