'use client';

import { useMutation } from 'urql';
import { optionalNumber } from '../../lib/form-values';
import { graphql } from '../../lib/graphql';
import { EditorFooter } from '../forms/editor-footer';
import { FormField } from '../forms/form-field';
import { useEditorSubmit } from '../forms/use-editor-submit';
import { ScheduleFields } from './schedule-fields';

const CollectionGroupEditor_UpdateMutation = graphql(`
  mutation CollectionGroupEditor_UpdateMutation($input: UpdateCollectionGroupInput!) {
    updateCollectionGroup(input: $input) {
      __typename
      ... on UpdateCollectionGroupSuccess { collectionGroup { id name schedule timeZone nextRunAt } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

type EditedCollectionGroup = {
  id: string;
  name: string;
  schedule: string | null;
  timeZone: string;
  backupWindow: string | null;
  maxConcurrent: number | null;
  timeoutSeconds: number;
};

const ownFields = ['name', 'schedule', 'timeZone', 'backupWindow', 'maxConcurrent', 'timeoutSeconds'];

/** Edits a collection group's name, schedule (previewing its next five runs), window and limits. */
export function CollectionGroupEditor({
  group,
  onDone,
}: {
  group: EditedCollectionGroup;
  onDone: (saved: boolean) => void;
}) {
  const [, update] = useMutation(CollectionGroupEditor_UpdateMutation);
  const editor = useEditorSubmit({
    ownFields,
    onDone,
    async save(form) {
      const text = (name: string) => String(form.get(name) ?? '').trim();
      const result = await update({
        input: {
          id: group.id,
          name: text('name'),
          // An empty schedule means manual only; the server takes "" for that.
          schedule: text('schedule'),
          timeZone: text('timeZone'),
          backupWindow: text('backupWindow'),
          maxConcurrent: optionalNumber(form.get('maxConcurrent')),
          timeoutSeconds: optionalNumber(form.get('timeoutSeconds')) ?? group.timeoutSeconds,
        },
      });
      return { payload: result.data?.updateCollectionGroup, error: result.error };
    },
    savedMessage: (payload) => `Collection group ${payload.collectionGroup.name} saved`,
  });

  const { fieldError } = editor;
  return (
    <form ref={editor.formRef} className="form panel" onSubmit={editor.onSubmit} data-testid="collection-group-editor">
      <h2>Edit {group.name}</h2>
      <FormField label="Name" error={fieldError('name')}>
        <input name="name" required autoComplete="off" defaultValue={group.name} />
      </FormField>
      <ScheduleFields defaultSchedule={group.schedule ?? ''} defaultTimeZone={group.timeZone} fieldError={fieldError} />
      <FormField label="Backup window (optional)" error={fieldError('backupWindow')} hint='e.g. "22:00-06:00"'>
        <input name="backupWindow" autoComplete="off" defaultValue={group.backupWindow ?? ''} />
      </FormField>
      <FormField label="Jobs at once (optional)" error={fieldError('maxConcurrent')} hint="Empty: unlimited">
        <input name="maxConcurrent" inputMode="numeric" defaultValue={group.maxConcurrent ?? ''} />
      </FormField>
      <FormField label="Timeout (seconds)" error={fieldError('timeoutSeconds')}>
        <input name="timeoutSeconds" inputMode="numeric" defaultValue={group.timeoutSeconds} />
      </FormField>
      <EditorFooter editor={editor} saveLabel="Save collection group" />
    </form>
  );
}
