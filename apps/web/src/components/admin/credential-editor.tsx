'use client';

import { useMutation } from 'urql';
import { graphql } from '../../lib/graphql';
import { EditorFooter } from '../forms/editor-footer';
import { FormField } from '../forms/form-field';
import { useEditorSubmit } from '../forms/use-editor-submit';

const CredentialEditor_UpdateCredentialMutation = graphql(`
  mutation CredentialEditor_UpdateCredentialMutation($input: UpdateCredentialInput!) {
    updateCredential(input: $input) {
      __typename
      ... on UpdateCredentialSuccess { credential { id name username hasEnableSecret deviceGroupId } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

type EditedCredential = {
  id: string;
  name: string;
  username: string;
  hasEnableSecret: boolean;
  deviceGroupId: string | null;
};

const ownFields = ['name', 'username', 'secret', 'enableSecret', 'deviceGroupId'];

/**
 * Edits a credential. Secrets are write-only: the fields start empty and are sent only when filled, so a
 * blank one keeps what the server holds; the enable secret can be removed explicitly.
 */
export function CredentialEditor({
  credential,
  groups,
  onDone,
}: {
  credential: EditedCredential;
  groups: { id: string; name: string }[];
  onDone: (saved: boolean) => void;
}) {
  const [, update] = useMutation(CredentialEditor_UpdateCredentialMutation);
  const editor = useEditorSubmit({
    ownFields,
    onDone,
    async save(form) {
      const text = (name: string) => String(form.get(name) ?? '');
      const secret = text('secret');
      const enableSecret = text('enableSecret');
      const result = await update({
        input: {
          id: credential.id,
          name: text('name').trim(),
          username: text('username').trim(),
          deviceGroupId: text('deviceGroupId') || null,
          ...(secret ? { secret } : {}),
          ...(form.get('removeEnableSecret') === 'on' ? { enableSecret: null } : enableSecret ? { enableSecret } : {}),
        },
      });
      return { payload: result.data?.updateCredential, error: result.error };
    },
    savedMessage: (payload) => `Credential ${payload.credential.name} saved`,
  });

  const { fieldError } = editor;
  return (
    <form ref={editor.formRef} className="form panel" onSubmit={editor.onSubmit} data-testid="credential-editor">
      <h2>Edit {credential.name}</h2>
      <FormField label="Name" error={fieldError('name')}>
        <input name="name" required autoComplete="off" defaultValue={credential.name} />
      </FormField>
      <FormField label="Username" error={fieldError('username')}>
        <input name="username" required autoComplete="off" defaultValue={credential.username} />
      </FormField>
      <FormField label="Secret" error={fieldError('secret')} hint="Write-only: leave blank to keep the current one">
        <input name="secret" type="password" autoComplete="new-password" />
      </FormField>
      <FormField
        label="Enable secret"
        error={fieldError('enableSecret')}
        hint={
          credential.hasEnableSecret
            ? 'Write-only: leave blank to keep the current one'
            : 'None set; leave blank for none'
        }
      >
        <input name="enableSecret" type="password" autoComplete="new-password" />
      </FormField>
      {credential.hasEnableSecret ? (
        <label className="toggle">
          <input type="checkbox" name="removeEnableSecret" /> Remove the enable secret
        </label>
      ) : null}
      <FormField label="Operators of this group may use it" error={fieldError('deviceGroupId')}>
        <select name="deviceGroupId" defaultValue={credential.deviceGroupId ?? ''}>
          <option value="">None (admins only)</option>
          {groups.map((group) => (
            <option key={group.id} value={group.id}>
              {group.name}
            </option>
          ))}
        </select>
      </FormField>
      <EditorFooter editor={editor} saveLabel="Save credential" />
    </form>
  );
}
