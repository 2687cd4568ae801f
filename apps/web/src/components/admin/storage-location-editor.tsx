'use client';

import { useMutation } from 'urql';
import { graphql } from '../../lib/graphql';
import { EditorFooter } from '../forms/editor-footer';
import { FormField } from '../forms/form-field';
import { useEditorSubmit } from '../forms/use-editor-submit';

const StorageLocationEditor_UpdateMutation = graphql(`
  mutation StorageLocationEditor_UpdateMutation($input: UpdateStorageLocationInput!) {
    updateStorageLocation(input: $input) {
      __typename
      ... on UpdateStorageLocationSuccess {
        storageLocation { id name kind path isDefault mirrorUrl mirrorBranch hasMirrorSecret }
      }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

type EditedStorageLocation = {
  id: string;
  name: string;
  kind: 'FS' | 'GIT';
  path: string;
  isDefault: boolean;
  mirrorUrl: string | null;
  mirrorBranch: string | null;
  hasMirrorSecret: boolean;
};

const ownFields = ['name', 'kind', 'path', 'mirrorUrl', 'mirrorBranch', 'mirrorToken', 'mirrorSshPrivateKey'];

/**
 * Edits a storage location. Kind and path change only while it holds no version (the server says so on the
 * field otherwise); a git location's mirror token or SSH key is write-only: blank keeps the stored one.
 */
export function StorageLocationEditor({
  location,
  onDone,
}: {
  location: EditedStorageLocation;
  onDone: (saved: boolean) => void;
}) {
  const [, update] = useMutation(StorageLocationEditor_UpdateMutation);
  const isGit = location.kind === 'GIT';
  const editor = useEditorSubmit({
    ownFields,
    onDone,
    async save(form) {
      const text = (name: string) => String(form.get(name) ?? '').trim();
      const token = text('mirrorToken');
      const key = String(form.get('mirrorSshPrivateKey') ?? '');
      const result = await update({
        input: {
          id: location.id,
          name: text('name'),
          kind: text('kind') === 'GIT' ? 'GIT' : 'FS',
          path: text('path'),
          isDefault: form.get('isDefault') === 'on',
          // An emptied URL removes the mirror; the secret fields are sent only when filled.
          ...(isGit ? { mirrorUrl: text('mirrorUrl'), mirrorBranch: text('mirrorBranch') } : {}),
          ...(token ? { mirrorToken: token } : {}),
          ...(key.trim() ? { mirrorSshPrivateKey: key } : {}),
          ...(form.get('removeMirrorSecret') === 'on' ? { removeMirrorSecret: true } : {}),
        },
      });
      return { payload: result.data?.updateStorageLocation, error: result.error };
    },
    savedMessage: (payload) => `Storage location ${payload.storageLocation.name} saved`,
  });

  const { fieldError } = editor;
  return (
    <form ref={editor.formRef} className="form panel" onSubmit={editor.onSubmit} data-testid="storage-location-editor">
      <h3>Edit {location.name}</h3>
      <FormField label="Location name" error={fieldError('name')}>
        <input name="name" required autoComplete="off" defaultValue={location.name} />
      </FormField>
      <FormField label="Kind" error={fieldError('kind')} hint="Only while no version is stored here">
        <select name="kind" defaultValue={location.kind}>
          <option value="GIT">git (one file per device, a commit per change)</option>
          <option value="FS">filesystem (content-addressed)</option>
        </select>
      </FormField>
      <FormField label="Path" error={fieldError('path')} hint="Only while no version is stored here">
        <input name="path" required autoComplete="off" defaultValue={location.path} />
      </FormField>
      <label className="toggle">
        <input type="checkbox" name="isDefault" defaultChecked={location.isDefault} /> Default location
      </label>
      {isGit ? (
        <fieldset className="form-field">
          <legend>Remote mirror</legend>
          <FormField label="Mirror URL" error={fieldError('mirrorUrl')} hint="Empty: no mirror">
            <input name="mirrorUrl" autoComplete="off" defaultValue={location.mirrorUrl ?? ''} />
          </FormField>
          <FormField label="Mirror branch" error={fieldError('mirrorBranch')} hint="Empty: the location’s own">
            <input name="mirrorBranch" autoComplete="off" defaultValue={location.mirrorBranch ?? ''} />
          </FormField>
          <FormField
            label="HTTPS token (write-only)"
            error={fieldError('mirrorToken')}
            hint={location.hasMirrorSecret ? 'Leave blank to keep the stored secret' : 'None stored'}
          >
            <input name="mirrorToken" type="password" autoComplete="new-password" />
          </FormField>
          <FormField
            label="SSH private key (write-only)"
            error={fieldError('mirrorSshPrivateKey')}
            hint="OpenSSH format; replaces a stored token"
          >
            <textarea name="mirrorSshPrivateKey" rows={3} className="mono" autoComplete="off" />
          </FormField>
          {location.hasMirrorSecret ? (
            <label className="toggle">
              <input type="checkbox" name="removeMirrorSecret" /> Remove the stored token or key
            </label>
          ) : null}
        </fieldset>
      ) : null}
      <EditorFooter editor={editor} saveLabel="Save storage location" />
    </form>
  );
}
