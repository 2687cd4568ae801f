// Reading form fields the way every admin form does.

/** A number field: null when left empty (the API reads null as "unlimited" or "unset"). */
export function optionalNumber(value: FormDataEntryValue | null): number | null {
  const text = String(value ?? '').trim();
  return text ? Number(text) : null;
}
