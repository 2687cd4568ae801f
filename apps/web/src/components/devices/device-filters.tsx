'use client';

import { type FormEvent, useId } from 'react';
import { useQuery } from 'urql';
import { BACKUP_STATES, type DeviceListParams } from '../../lib/device-list-params';
import { graphql } from '../../lib/graphql';
import { FilterSelect } from '../filter-select';

const DeviceFilters_OptionsQuery = graphql(`
  query DeviceFilters_OptionsQuery {
    deviceGroups(first: 100) { edges { node { id name } } }
    collectionGroups(first: 100) { edges { node { id name } } }
    backupMethods { key friendlyName }
  }
`);

const STATE_OPTIONS = BACKUP_STATES.map((state) => ({ value: state, label: state.toLowerCase() }));
const ENABLED_OPTIONS = [
  { value: 'true', label: 'Enabled' },
  { value: 'false', label: 'Disabled' },
];
const SORT_OPTIONS = [
  { value: 'NAME', label: 'Name' },
  { value: 'CREATED_AT', label: 'Newest' },
];

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
      <FilterSelect
        label="Group"
        value={params.group}
        anyLabel="All groups"
        options={data?.deviceGroups.edges.map(({ node }) => ({ value: node.id, label: node.name })) ?? []}
        onChange={(group) => onChange({ group })}
      />
      <FilterSelect
        label="Collection group"
        value={params.collection}
        anyLabel="Any collection group"
        options={data?.collectionGroups.edges.map(({ node }) => ({ value: node.id, label: node.name })) ?? []}
        onChange={(collection) => onChange({ collection })}
      />
      <FilterSelect
        label="Plugin"
        value={params.plugin}
        anyLabel="All plugins"
        options={data?.backupMethods.map((method) => ({ value: method.key, label: method.friendlyName })) ?? []}
        onChange={(plugin) => onChange({ plugin })}
      />
      <FilterSelect
        label="State"
        value={params.state}
        anyLabel="Any state"
        options={STATE_OPTIONS}
        onChange={(value) => onChange({ state: BACKUP_STATES.find((state) => state === value) ?? null })}
      />
      <FilterSelect
        label="Enabled"
        value={params.enabled === null ? null : String(params.enabled)}
        anyLabel="Either"
        options={ENABLED_OPTIONS}
        onChange={(value) => onChange({ enabled: value === null ? null : value === 'true' })}
      />
      <label className="toggle">
        <input
          type="checkbox"
          checked={params.archived}
          onChange={(event) => onChange({ archived: event.target.checked })}
        />
        Archived
      </label>
      <FilterSelect
        label="Sort"
        value={params.sort}
        options={SORT_OPTIONS}
        onChange={(value) => onChange({ sort: value === 'CREATED_AT' ? 'CREATED_AT' : 'NAME' })}
      />
    </div>
  );
}
