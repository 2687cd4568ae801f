'use client';

import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { graphql } from '../../lib/graphql';
import { useAnnounce } from '../announcer';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';

const UserEditor_UpdateUserMutation = graphql(`
  mutation UserEditor_UpdateUserMutation($input: UpdateUserInput!) {
    updateUser(input: $input) {
      __typename
      ... on UpdateUserSuccess { user { id role disabled deviceGroups { id name } } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

const UserEditor_ResetPasswordMutation = graphql(`
  mutation UserEditor_ResetPasswordMutation($input: ResetUserPasswordInput!) {
    resetUserPassword(input: $input) {
      __typename
      ... on ResetUserPasswordSuccess { generatedPassword user { id } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

type EditedUser = { id: string; username: string; role: string; disabled: boolean; deviceGroups: { id: string }[] };

/** Changes one user's role, grants and sign-in; resets their password (a generated one is shown once). */
export function UserEditor({
  user,
  groups,
  onDone,
}: {
  user: EditedUser;
  groups: { id: string; name: string }[];
  onDone: () => void;
}) {
  const announce = useAnnounce();
  const [{ fetching }, updateUser] = useMutation(UserEditor_UpdateUserMutation);
  const [, resetPassword] = useMutation(UserEditor_ResetPasswordMutation);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [password, setPassword] = useState<string | null>(null);
  const granted = new Set(user.deviceGroups.map((group) => group.id));

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setProblem(null);
    const result = await updateUser({
      input: {
        id: user.id,
        role: String(form.get('role') ?? user.role),
        disabled: form.get('disabled') === 'on',
        deviceGroupIds: form.getAll('deviceGroupIds').map(String),
      },
    });
    const payload = result.data?.updateUser;
    if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename !== 'UpdateUserSuccess') return setProblem(problemOf(payload));
    announce(`${user.username} saved`);
    onDone();
  }

  async function reset() {
    setProblem(null);
    const result = await resetPassword({ input: { id: user.id } });
    const payload = result.data?.resetUserPassword;
    if (payload?.__typename === 'ResetUserPasswordSuccess') {
      setPassword(payload.generatedPassword ?? null);
      announce(`Password of ${user.username} reset; their sessions ended`);
    } else {
      setProblem(payload ? problemOf(payload) : { field: null, message: errorMessage(result.error) });
    }
  }

  return (
    <form className="form panel" onSubmit={(event) => void submit(event)} data-testid="user-editor">
      <h2>Edit {user.username}</h2>
      <FormField label="Role" error={problem?.field === 'role' ? problem.message : null}>
        <select name="role" defaultValue={user.role}>
          <option value="viewer">viewer</option>
          <option value="operator">operator</option>
          <option value="admin">admin</option>
        </select>
      </FormField>
      <fieldset className="form-field">
        <legend>Device groups</legend>
        {groups.map((group) => (
          <label key={group.id} className="toggle">
            <input type="checkbox" name="deviceGroupIds" value={group.id} defaultChecked={granted.has(group.id)} />{' '}
            {group.name}
          </label>
        ))}
      </fieldset>
      <label className="toggle">
        <input type="checkbox" name="disabled" defaultChecked={user.disabled} /> Sign-in disabled
      </label>
      {problem && problem.field !== 'role' ? (
        <p className="inline-error" role="alert">
          {problem.message}
        </p>
      ) : null}
      {password ? (
        <p className="notice" role="status">
          New password (shown once): <code>{password}</code>
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button" disabled={fetching}>
          Save {user.username}
        </button>
        <button type="button" className="button button-quiet" onClick={() => void reset()}>
          Reset password
        </button>
        <button type="button" className="button button-quiet" onClick={onDone}>
          Close
        </button>
      </div>
    </form>
  );
}
