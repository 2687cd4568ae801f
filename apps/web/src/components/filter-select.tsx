'use client';

import { useId } from 'react';

export type FilterOption = { value: string; label: string };

/**
 * One labelled filter of a list page (the devices and jobs pages): picking an option hands the page its value,
 * or null for the "any" option, and the page turns it into a new URL.
 */
export function FilterSelect({
  label,
  value,
  anyLabel,
  options,
  onChange,
}: {
  label: string;
  value: string | null;
  /** The option that lifts the filter (value null); left out, the select always holds one of `options`. */
  anyLabel?: string;
  options: readonly FilterOption[];
  onChange: (value: string | null) => void;
}) {
  const id = useId();
  return (
    <span className="filter">
      <label htmlFor={id}>{label}</label>{' '}
      <select id={id} value={value ?? ''} onChange={(event) => onChange(event.target.value || null)}>
        {anyLabel === undefined ? null : <option value="">{anyLabel}</option>}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </span>
  );
}
