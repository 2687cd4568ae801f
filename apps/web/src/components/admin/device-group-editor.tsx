'use client';

import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { graphql } from '../../lib/graphql';
import { useRevealOnOpen } from '../../lib/use-reveal-on-open';
import { useAnnounce } from '../announcer';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';

const DeviceGroupEditor_UpdateDeviceGroupMutation = graphql(`
  mutation DeviceGroupEditor_UpdateDeviceGroupMutation($input: UpdateDeviceGroupInput!) {
    updateDeviceGroup(input: $input) {
      __typename
      ... on UpdateDeviceGroupSuccess { deviceGroup { id name description } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

type EditedDeviceGroup = { id: string; name: string; description: string };

/** Renames a device group or changes its description; grants and devices stay attached. */
export function DeviceGroupEditor({ group, onDone }: { group: EditedDeviceGroup; onDone: (saved: boolean) => void }) {
  const announce = useAnnounce();
  const formRef = useRevealOnOpen<HTMLFormElement>();
  const [{ fetching }, update] = useMutation(DeviceGroupEditor_UpdateDeviceGroupMutation);
  const [problem, setProblem] = useState<FormProblem | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setProblem(null);
    const result = await update({
      input: {
        id: group.id,
        name: String(form.get('name') ?? '').trim(),
        description: String(form.get('description') ?? ''),
      },
    });
    const payload = result.data?.updateDeviceGroup;
    if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename !== 'UpdateDeviceGroupSuccess') return setProblem(problemOf(payload));
    announce(`Device group ${payload.deviceGroup.name} saved`);
    onDone(true);
  }

  const fieldError = (field: string) => (problem?.field === field ? problem.message : null);
  return (
    <form
      ref={formRef}
      className="form panel"
      onSubmit={(event) => void submit(event)}
      data-testid="device-group-editor"
    >
      <h2>Edit {group.name}</h2>
      <FormField label="Name" error={fieldError('name')}>
        <input name="name" required autoComplete="off" defaultValue={group.name} />
      </FormField>
      <FormField label="Description" error={fieldError('description')}>
        <input name="description" autoComplete="off" defaultValue={group.description} />
      </FormField>
      {problem && problem.field !== 'name' && problem.field !== 'description' ? (
        <p className="inline-error" role="alert">
          {problem.message}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button" disabled={fetching}>
          Save device group
        </button>
        <button type="button" className="button button-quiet" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
