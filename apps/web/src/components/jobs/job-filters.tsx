'use client';

import { type FormEvent, useId } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../lib/graphql';
import type { JobListParams } from '../../lib/job-list-params';
import { JOB_STATUSES } from '../../lib/job-status';
import { FilterSelect } from '../filter-select';

const JobFilters_OptionsQuery = graphql(`
  query JobFilters_OptionsQuery {
    deviceGroups(first: 100) { edges { node { id name } } }
  }
`);

const STATE_OPTIONS = JOB_STATUSES.map((state) => ({ value: state, label: state }));

/** State, error code and device group filters; every change becomes a new URL. */
export function JobFilters({
  params,
  onChange,
}: {
  params: JobListParams;
  onChange: (next: Partial<JobListParams>) => void;
}) {
  const id = useId();
  const [{ data }] = useQuery({ query: JobFilters_OptionsQuery });

  function submitCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('code') ?? '').trim();
    onChange({ code: value || null });
  }

  return (
    <div className="filters" data-testid="job-filters">
      <FilterSelect
        label="State"
        value={params.state}
        anyLabel="Any state"
        options={STATE_OPTIONS}
        onChange={(value) => onChange({ state: JOB_STATUSES.find((state) => state === value) ?? null })}
      />
      <form onSubmit={submitCode} className="filter-search" aria-label="Filter by error code">
        <label htmlFor={`${id}-code`}>Error code</label>{' '}
        <input
          id={`${id}-code`}
          name="code"
          type="search"
          placeholder="auth_failed"
          defaultValue={params.code ?? ''}
          key={params.code ?? ''}
        />
        <button type="submit" className="button button-quiet">
          Apply
        </button>
      </form>
      <FilterSelect
        label="Group"
        value={params.group}
        anyLabel="All groups"
        options={data?.deviceGroups.edges.map(({ node }) => ({ value: node.id, label: node.name })) ?? []}
        onChange={(group) => onChange({ group })}
      />
    </div>
  );
}
