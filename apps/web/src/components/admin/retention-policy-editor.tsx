'use client';

import { useMutation } from 'urql';
import { optionalNumber } from '../../lib/form-values';
import { graphql } from '../../lib/graphql';
import { EditorFooter } from '../forms/editor-footer';
import { FormField } from '../forms/form-field';
import { useEditorSubmit } from '../forms/use-editor-submit';

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
  const [, update] = useMutation(RetentionPolicyEditor_UpdateMutation);
  const editor = useEditorSubmit({
    ownFields,
    onDone,
    async save(form) {
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
      return { payload: result.data?.updateRetentionPolicy, error: result.error };
    },
    savedMessage: (payload) => `Retention policy ${payload.retentionPolicy.name} saved`,
  });

  const { fieldError } = editor;
  return (
    <form ref={editor.formRef} className="form panel" onSubmit={editor.onSubmit} data-testid="retention-policy-editor">
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
      <EditorFooter editor={editor} saveLabel="Save retention policy" />
    </form>
  );
}
