'use client';

import { type FormEvent, useId } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../lib/graphql';
import type { JobListParams } from '../../lib/job-list-params';
import { JOB_STATUSES } from '../../lib/job-status';

const JobFilters_OptionsQuery = graphql(`
  query JobFilters_OptionsQuery {
    deviceGroups(first: 100) { edges { node { id name } } }
  }
`);

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
      <span className="filter">
        <label htmlFor={`${id}-state`}>State</label>{' '}
        <select
          id={`${id}-state`}
          value={params.state ?? ''}
          onChange={(event) => onChange({ state: JOB_STATUSES.find((state) => state === event.target.value) ?? null })}
        >
          <option value="">Any state</option>
          {JOB_STATUSES.map((state) => (
            <option key={state} value={state}>
              {state}
            </option>
          ))}
        </select>
      </span>
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
    </div>
  );
}
