// Reading Next's `searchParams` values (string, repeated string or missing) on server pages.
export type SearchParamValue = string | string[] | undefined;

export function firstParam(value: SearchParamValue): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? null : first;
}

export function positiveIntParam(value: SearchParamValue): number | null {
  const raw = firstParam(value);
  if (raw === null || !/^\d+$/.test(raw)) return null;
  const number = Number(raw);
  return number > 0 ? number : null;
}
