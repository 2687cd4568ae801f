'use client';

import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { optionalNumber } from '../../lib/form-values';
import { graphql } from '../../lib/graphql';
import { useRevealOnOpen } from '../../lib/use-reveal-on-open';
import { useAnnounce } from '../announcer';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';
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
  const announce = useAnnounce();
  const formRef = useRevealOnOpen<HTMLFormElement>();
  const [{ fetching }, update] = useMutation(CollectionGroupEditor_UpdateMutation);
  const [problem, setProblem] = useState<FormProblem | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    setProblem(null);
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
    const payload = result.data?.updateCollectionGroup;
    if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename !== 'UpdateCollectionGroupSuccess') return setProblem(problemOf(payload));
    announce(`Collection group ${payload.collectionGroup.name} saved`);
    onDone(true);
  }

  const fieldError = (field: string) => (problem?.field === field ? problem.message : null);
  return (
    <form
      ref={formRef}
      className="form panel"
      onSubmit={(event) => void submit(event)}
      data-testid="collection-group-editor"
    >
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
      {problem && !ownFields.includes(problem.field ?? '') ? (
        <p className="inline-error" role="alert">
          {problem.message}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button" disabled={fetching}>
          Save collection group
        </button>
        <button type="button" className="button button-quiet" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
