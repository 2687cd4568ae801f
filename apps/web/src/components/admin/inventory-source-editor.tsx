'use client';

import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { graphql } from '../../lib/graphql';
import { useRevealOnOpen } from '../../lib/use-reveal-on-open';
import { useAnnounce } from '../announcer';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';

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
  const announce = useAnnounce();
  const formRef = useRevealOnOpen<HTMLFormElement>();
  const [{ fetching }, update] = useMutation(InventorySourceEditor_UpdateMutation);
  const [problem, setProblem] = useState<FormProblem | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    setProblem(null);
    const settings = parseSettings(text('settings'));
    if (!settings) return setProblem({ field: 'settings', message: 'settings must be a JSON object' });
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
    const payload = result.data?.updateInventorySource;
    if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename !== 'UpdateInventorySourceSuccess') return setProblem(problemOf(payload));
    announce(`Inventory source ${payload.inventorySource.name} saved`);
    onDone(true);
  }

  const fieldError = (field: string) => (problem?.field === field ? problem.message : null);
  return (
    <form
      ref={formRef}
      className="form panel"
      onSubmit={(event) => void submit(event)}
      data-testid="inventory-source-editor"
    >
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
      {problem && !ownFields.includes(problem.field ?? '') ? (
        <p className="inline-error" role="alert">
          {problem.message}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button" disabled={fetching}>
          Save inventory source
        </button>
        <button type="button" className="button button-quiet" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
