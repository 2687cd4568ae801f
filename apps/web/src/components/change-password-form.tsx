'use client';

import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../lib/error-message';
import { graphql } from '../lib/graphql';

const ChangePasswordForm_ChangePasswordMutation = graphql(`
  mutation ChangePasswordForm_ChangePasswordMutation($input: ChangePasswordInput!) {
    changePassword(input: $input) {
      __typename
      ... on ChangePasswordSuccess {
        user { id }
      }
      ... on Error {
        message
      }
      ... on ValidationError {
        field
      }
    }
  }
`);

/** Changes the signed-in user's password; the server ends their other sessions, this one stays. */
export function ChangePasswordForm({ onClose }: { onClose: () => void }) {
  const [{ fetching }, changePassword] = useMutation(ChangePasswordForm_ChangePasswordMutation);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setError(null);
    setDone(false);
    const newPassword = String(form.get('newPassword') ?? '');
    if (newPassword !== String(form.get('confirmPassword') ?? '')) {
      setError('The new passwords do not match.');
      return;
    }
    const result = await changePassword({
      input: { currentPassword: String(form.get('currentPassword') ?? ''), newPassword },
    });
    const payload = result.data?.changePassword;
    if (!payload) {
      setError(errorMessage(result.error));
      return;
    }
    if (payload.__typename !== 'ChangePasswordSuccess') {
      setError(payload.message);
      return;
    }
    formElement.reset();
    setDone(true);
  }

  return (
    <form
      className="password-form"
      aria-label="Change password"
      data-testid="change-password-form"
      onSubmit={(event) => void submit(event)}
    >
      <label>
        Current password
        <input name="currentPassword" type="password" autoComplete="current-password" required />
      </label>
      <label>
        New password
        <input name="newPassword" type="password" autoComplete="new-password" minLength={10} required />
      </label>
      <label>
        Repeat new password
        <input name="confirmPassword" type="password" autoComplete="new-password" minLength={10} required />
      </label>
      {error ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
      {done ? (
        <p className="form-success" role="status">
          Password changed. Your other sessions were signed out.
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button" disabled={fetching}>
          {fetching ? 'Saving…' : 'Change password'}
        </button>
        <button type="button" className="button button-quiet" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
