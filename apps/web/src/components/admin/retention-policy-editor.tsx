'use client';

import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { optionalNumber } from '../../lib/form-values';
import { graphql } from '../../lib/graphql';
import { useRevealOnOpen } from '../../lib/use-reveal-on-open';
import { useAnnounce } from '../announcer';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';

const RetentionPolicyEditor_UpdateMutation = graphql(`
  mutation RetentionPolicyEditor_UpdateMutation($input: UpdateRetentionPolicyInput!) {
    updateRetentionPolicy(input: $input) {
      __typename
      ... on UpdateRetentionPolicySuccess { retentionPolicy { id name keepLast keepDays maxBytes isDefault } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

type EditedRetentionPolicy = {
  id: string;
  name: string;
  keepLast: number | null;
  keepDays: number | null;
  maxBytes: number | null;
  isDefault: boolean;
};

const ownFields = ['name', 'keepLast', 'keepDays', 'maxBytes'];

/** Edits a retention policy; an emptied limit becomes unlimited. The pruner applies it on its next pass. */
export function RetentionPolicyEditor({
  policy,
  onDone,
}: {
  policy: EditedRetentionPolicy;
  onDone: (saved: boolean) => void;
}) {
  const announce = useAnnounce();
  const formRef = useRevealOnOpen<HTMLFormElement>();
  const [{ fetching }, update] = useMutation(RetentionPolicyEditor_UpdateMutation);
  const [problem, setProblem] = useState<FormProblem | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setProblem(null);
    const result = await update({
      input: {
        id: policy.id,
        name: String(form.get('name') ?? '').trim(),
        keepLast: optionalNumber(form.get('keepLast')),
        keepDays: optionalNumber(form.get('keepDays')),
        maxBytes: optionalNumber(form.get('maxBytes')),
        // Unticking the default is not offered: some policy must stay the default once one is.
        isDefault: policy.isDefault || form.get('isDefault') === 'on',
      },
    });
    const payload = result.data?.updateRetentionPolicy;
    if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename !== 'UpdateRetentionPolicySuccess') return setProblem(problemOf(payload));
    announce(`Retention policy ${payload.retentionPolicy.name} saved`);
    onDone(true);
  }

  const fieldError = (field: string) => (problem?.field === field ? problem.message : null);
  return (
    <form
      ref={formRef}
      className="form panel"
      onSubmit={(event) => void submit(event)}
      data-testid="retention-policy-editor"
    >
      <h3>Edit {policy.name}</h3>
      <FormField label="Policy name" error={fieldError('name')}>
        <input name="name" required autoComplete="off" defaultValue={policy.name} />
      </FormField>
      <FormField label="Keep the last N versions" error={fieldError('keepLast')} hint="Empty: no limit">
        <input name="keepLast" inputMode="numeric" defaultValue={policy.keepLast ?? ''} />
      </FormField>
      <FormField label="Keep versions for N days" error={fieldError('keepDays')} hint="Empty: no limit">
        <input name="keepDays" inputMode="numeric" defaultValue={policy.keepDays ?? ''} />
      </FormField>
      <FormField label="Keep at most B stored bytes" error={fieldError('maxBytes')} hint="Empty: no limit">
        <input name="maxBytes" inputMode="numeric" defaultValue={policy.maxBytes ?? ''} />
      </FormField>
      {policy.isDefault ? (
        <p className="muted small">The default for devices without one.</p>
      ) : (
        <label className="toggle">
          <input type="checkbox" name="isDefault" /> Make it the default for devices without one
        </label>
      )}
      {problem && !ownFields.includes(problem.field ?? '') ? (
        <p className="inline-error" role="alert">
          {problem.message}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button" disabled={fetching}>
          Save retention policy
        </button>
        <button type="button" className="button button-quiet" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
