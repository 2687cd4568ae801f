'use client';

import { useMutation } from 'urql';
import { graphql } from '../../lib/graphql';
import { EditorFooter } from '../forms/editor-footer';
import { FormField } from '../forms/form-field';
import { useEditorSubmit } from '../forms/use-editor-submit';

const ConfigRuleEditor_UpdateScrubRuleMutation = graphql(`
  mutation ConfigRuleEditor_UpdateScrubRuleMutation($input: UpdateScrubRuleInput!) {
    updateScrubRule(input: $input) {
      __typename
      ... on UpdateScrubRuleSuccess { scrubRule { id pattern replacement } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

const ConfigRuleEditor_UpdateFilterMutation = graphql(`
  mutation ConfigRuleEditor_UpdateFilterMutation($input: UpdateBackupFilterInput!) {
    updateBackupFilter(input: $input) {
      __typename
      ... on UpdateBackupFilterSuccess { backupFilter { id kind pattern description } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

export type EditedConfigRule =
  | { type: 'scrub'; id: string; pattern: string; replacement: string }
  | { type: 'filter'; id: string; pattern: string; description: string; kind: string };

const ownFields = ['pattern', 'replacement', 'description', 'kind'];

/**
 * Edits a scrub rule (pattern and replacement) or a backup filter (what it does, pattern, description);
 * the plugin and device group it applies to stay as they are.
 */
export function ConfigRuleEditor({ rule, onDone }: { rule: EditedConfigRule; onDone: (saved: boolean) => void }) {
  const [, updateRule] = useMutation(ConfigRuleEditor_UpdateScrubRuleMutation);
  const [, updateFilter] = useMutation(ConfigRuleEditor_UpdateFilterMutation);
  const editor = useEditorSubmit({
    ownFields,
    onDone,
    async save(form) {
      const text = (name: string) => String(form.get(name) ?? '');
      const result =
        rule.type === 'scrub'
          ? await updateRule({ input: { id: rule.id, pattern: text('pattern'), replacement: text('replacement') } })
          : await updateFilter({
              input: {
                id: rule.id,
                pattern: text('pattern'),
                description: text('description'),
                kind: text('kind') === 'REMOVE_BEFORE_STORING' ? 'REMOVE_BEFORE_STORING' : 'IGNORE_FOR_CHANGES',
              },
            });
      return { payload: result.data ? Object.values(result.data)[0] : undefined, error: result.error };
    },
    savedMessage: () => (rule.type === 'scrub' ? 'Scrub rule saved' : 'Filter saved'),
  });

  const { fieldError } = editor;
  return (
    <form ref={editor.formRef} className="form panel" onSubmit={editor.onSubmit} data-testid="rule-editor">
      <h2>
        Edit {rule.type === 'scrub' ? 'scrub rule' : 'filter'} <code>{rule.pattern}</code>
      </h2>
      {rule.type === 'filter' ? (
        <FormField label="Kind" error={fieldError('kind')}>
          <select name="kind" defaultValue={rule.kind}>
            <option value="REMOVE_BEFORE_STORING">Remove matching lines before storing</option>
            <option value="IGNORE_FOR_CHANGES">Keep matching lines but ignore them for changes</option>
          </select>
        </FormField>
      ) : null}
      <FormField label="Pattern (RE2)" error={fieldError('pattern')}>
        <input name="pattern" required className="mono" defaultValue={rule.pattern} />
      </FormField>
      {rule.type === 'scrub' ? (
        <FormField label="Replacement" error={fieldError('replacement')}>
          <input name="replacement" className="mono" defaultValue={rule.replacement} />
        </FormField>
      ) : (
        <FormField label="Description" error={fieldError('description')}>
          <input name="description" defaultValue={rule.description} />
        </FormField>
      )}
      <EditorFooter editor={editor} saveLabel={`Save ${rule.type === 'scrub' ? 'scrub rule' : 'filter'}`} />
    </form>
  );
}
