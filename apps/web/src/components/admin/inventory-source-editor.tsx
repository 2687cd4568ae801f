'use client';

import { useMutation } from 'urql';
import { graphql } from '../../lib/graphql';
import { EditorFooter } from '../forms/editor-footer';
import { FormField } from '../forms/form-field';
import { useEditorSubmit } from '../forms/use-editor-submit';

const InventorySourceEditor_UpdateMutation = graphql(`
  mutation InventorySourceEditor_UpdateMutation($input: UpdateInventorySourceInput!) {
    updateInventorySource(input: $input) {
      __typename
      ... on UpdateInventorySourceSuccess { inventorySource { id name url enabled intervalSeconds settings hasSecret } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

type EditedInventorySource = {
  id: string;
  name: string;
  kind: string;
  url: string;
  enabled: boolean;
  intervalSeconds: number | null;
  hasSecret: boolean;
  settings: unknown;
};

const ownFields = ['name', 'url', 'token', 'intervalSeconds', 'settings'];

/** The settings textarea as an object, or null when it holds no JSON object. */
function parseSettings(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text || '{}');
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {}
  return null;
}

/** Edits an inventory source (its kind is fixed); the token is write-only and kept when left blank. */
export function InventorySourceEditor({
  source,
  onDone,
}: {
  source: EditedInventorySource;
  onDone: (saved: boolean) => void;
}) {
  const [, update] = useMutation(InventorySourceEditor_UpdateMutation);
  const editor = useEditorSubmit({
    ownFields,
    onDone,
    async save(form) {
      const text = (name: string) => String(form.get(name) ?? '').trim();
      const settings = parseSettings(text('settings'));
      if (!settings) return { field: 'settings', message: 'settings must be a JSON object' };
      const interval = text('intervalSeconds');
      const token = text('token');
      const result = await update({
        input: {
          id: source.id,
          name: text('name'),
          url: text('url'),
          enabled: form.get('enabled') === 'on',
          intervalSeconds: interval ? Number(interval) : null,
          settings,
          ...(token ? { token } : {}),
        },
      });
      return { payload: result.data?.updateInventorySource, error: result.error };
    },
    savedMessage: (payload) => `Inventory source ${payload.inventorySource.name} saved`,
  });

  const { fieldError } = editor;
  return (
    <form ref={editor.formRef} className="form panel" onSubmit={editor.onSubmit} data-testid="inventory-source-editor">
      <h2>
        Edit {source.name} <span className="muted small">({source.kind.toLowerCase()})</span>
      </h2>
      <FormField label="Name" error={fieldError('name')}>
        <input name="name" required autoComplete="off" defaultValue={source.name} />
      </FormField>
      <FormField label="URL or path" error={fieldError('url')}>
        <input name="url" required autoComplete="off" defaultValue={source.url} />
      </FormField>
      <FormField
        label="Token (NetBox; write-only)"
        error={fieldError('token')}
        hint={
          source.hasSecret
            ? 'Leave blank to keep the stored one; a new token replaces the stored headers too'
            : 'None stored'
        }
      >
        <input name="token" type="password" autoComplete="new-password" />
      </FormField>
      <FormField label="Sync every N seconds (≥ 60; empty: on demand)" error={fieldError('intervalSeconds')}>
        <input name="intervalSeconds" inputMode="numeric" defaultValue={source.intervalSeconds ?? ''} />
      </FormField>
      <FormField
        label="Settings (JSON)"
        error={fieldError('settings')}
        hint="filters, deviceGroupFrom, platformMap, fieldMap, defaultPluginKey, credentialId, …"
      >
        <textarea name="settings" rows={6} className="mono" defaultValue={JSON.stringify(source.settings, null, 2)} />
      </FormField>
      <label className="toggle">
        <input type="checkbox" name="enabled" defaultChecked={source.enabled} /> Enabled
      </label>
      <EditorFooter editor={editor} saveLabel="Save inventory source" />
    </form>
  );
}
