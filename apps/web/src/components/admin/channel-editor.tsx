'use client';

import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { graphql } from '../../lib/graphql';
import { useAnnounce } from '../announcer';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';
import { ChannelEmailFields, type EmailDefaults, emailSettingsFrom } from './channel-email-fields';

const ChannelEditor_UpdateChannelMutation = graphql(`
  mutation ChannelEditor_UpdateChannelMutation($input: UpdateNotificationChannelInput!) {
    updateNotificationChannel(input: $input) {
      __typename
      ... on UpdateNotificationChannelSuccess { signingSecret channel { id name } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

export type EditedChannel = { id: string; name: string; kind: string; target: string; email: EmailDefaults | null };

/**
 * Edits one channel: its name, and its URL or SMTP settings (its kind is fixed). Secrets are write-only:
 * a blank URL or password keeps the stored one; a webhook's signing secret is kept unless rotated, and a
 * rotated one is shown once.
 */
export function ChannelEditor({
  channel,
  onDone,
  onSecret,
}: {
  channel: EditedChannel;
  onDone: () => void;
  onSecret: (secret: { name: string; secret: string }) => void;
}) {
  const announce = useAnnounce();
  const [{ fetching }, update] = useMutation(ChannelEditor_UpdateChannelMutation);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const isEmail = channel.kind === 'EMAIL';

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setProblem(null);
    const url = String(form.get('url') ?? '').trim();
    const { password, ...email } = emailSettingsFrom(form);
    const result = await update({
      input: {
        id: channel.id,
        name: String(form.get('name') ?? '').trim(),
        ...(isEmail ? { email: { ...email, ...(password ? { password } : {}) } } : url ? { url } : {}),
        ...(form.get('rotateSigningSecret') === 'on' ? { rotateSigningSecret: true } : {}),
      },
    });
    const payload = result.data?.updateNotificationChannel;
    if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename !== 'UpdateNotificationChannelSuccess') return setProblem(problemOf(payload));
    if (payload.signingSecret) onSecret({ name: payload.channel.name, secret: payload.signingSecret });
    announce(`Channel ${payload.channel.name} saved`);
    onDone();
  }

  const fieldError = (field: string) => (problem?.field === field ? problem.message : null);
  const shownOnField = (field: string | null) => field === 'name' || field === 'url' || !!field?.startsWith('email.');
  return (
    <form className="form panel" onSubmit={(event) => void submit(event)} data-testid="channel-editor">
      <h2>Edit {channel.name}</h2>
      <p className="muted small">
        {channel.kind.toLowerCase()} · <span className="mono">{channel.target}</span>
      </p>
      <FormField label="Name" error={fieldError('name')}>
        <input name="name" required autoComplete="off" defaultValue={channel.name} />
      </FormField>
      {isEmail ? (
        <ChannelEmailFields defaults={channel.email} problem={problem} editing />
      ) : (
        <FormField label="URL" error={fieldError('url')} hint="Write-only: leave blank to keep the stored URL">
          <input name="url" type="url" autoComplete="off" />
        </FormField>
      )}
      {channel.kind === 'WEBHOOK' ? (
        <label className="toggle">
          <input type="checkbox" name="rotateSigningSecret" /> Rotate the signing secret (the new one is shown once)
        </label>
      ) : null}
      {problem && !shownOnField(problem.field) ? (
        <p className="inline-error" role="alert">
          {problem.message}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button" disabled={fetching}>
          Save {channel.name}
        </button>
        <button type="button" className="button button-quiet" onClick={onDone}>
          Close
        </button>
      </div>
    </form>
  );
}
