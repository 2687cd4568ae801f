import { cloneElement, type ReactElement, useId } from 'react';

/**
 * A labelled control with the server's ValidationError for that field under it; the control gets
 * aria-invalid and aria-describedby so screen readers read the error with the field.
 */
export function FormField({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string | null;
  hint?: string;
  children: ReactElement<Record<string, unknown>>;
}) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ');
  return (
    <div className={error ? 'form-field has-error' : 'form-field'}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, {
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describedBy || undefined,
      })}
      {hint ? (
        <span id={`${id}-hint`} className="muted small">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-error`} className="field-error" data-testid="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** The outcome of a mutation returning `Success | ValidationError | …Error`, split for a form. */
export type FormProblem = { field: string | null; message: string };

export function problemOf(payload: { __typename: string; message?: string; field?: string } | undefined | null) {
  if (!payload || payload.__typename.endsWith('Success')) return null;
  return { field: payload.field ?? null, message: payload.message ?? 'Refused' } satisfies FormProblem;
}
