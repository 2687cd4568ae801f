'use client';

import { useMutation } from 'urql';
import { graphql } from '../../lib/graphql';
import { EditorFooter } from '../forms/editor-footer';
import { FormField } from '../forms/form-field';
import { useEditorSubmit } from '../forms/use-editor-submit';

const ownFields = ['name', 'description'];

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
  const [, update] = useMutation(DeviceGroupEditor_UpdateDeviceGroupMutation);
  const editor = useEditorSubmit({
    ownFields,
    onDone,
    async save(form) {
      const result = await update({
        input: {
          id: group.id,
          name: String(form.get('name') ?? '').trim(),
          description: String(form.get('description') ?? ''),
        },
      });
      return { payload: result.data?.updateDeviceGroup, error: result.error };
    },
    savedMessage: (payload) => `Device group ${payload.deviceGroup.name} saved`,
  });

  const { fieldError } = editor;
  return (
    <form ref={editor.formRef} className="form panel" onSubmit={editor.onSubmit} data-testid="device-group-editor">
      <h2>Edit {group.name}</h2>
      <FormField label="Name" error={fieldError('name')}>
        <input name="name" required autoComplete="off" defaultValue={group.name} />
      </FormField>
      <FormField label="Description" error={fieldError('description')}>
        <input name="description" autoComplete="off" defaultValue={group.description} />
      </FormField>
      <EditorFooter editor={editor} saveLabel="Save device group" />
    </form>
  );
}
