'use client';

import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { graphql } from '../../lib/graphql';
import { useAnnounce } from '../announcer';
import { ConfirmDialog } from '../confirm-dialog';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';
import { UserEditor } from './user-editor';

const UsersAdmin_UsersQuery = graphql(`
  query UsersAdmin_UsersQuery {
    users(first: 100) { edges { node { id username role disabled lastLoginAt deviceGroups { id name } } } }
    deviceGroups(first: 100) { edges { node { id name } } }
  }
`);

const UsersAdmin_CreateUserMutation = graphql(`
  mutation UsersAdmin_CreateUserMutation($input: CreateUserInput!) {
    createUser(input: $input) {
      __typename
      ... on CreateUserSuccess { generatedPassword user { id username } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

const UsersAdmin_DeleteUserMutation = graphql(`
  mutation UsersAdmin_DeleteUserMutation($input: DeleteUserInput!) {
    deleteUser(input: $input) {
      __typename
      ... on Error { message }
    }
  }
`);

const ROLES = ['viewer', 'operator', 'admin'] as const;

/** Users with their role and the device groups it applies to; a generated password is shown once. */
export function UsersAdmin() {
  const announce = useAnnounce();
  const [{ data, error }, reexecute] = useQuery({ query: UsersAdmin_UsersQuery });
  const [{ fetching }, create] = useMutation(UsersAdmin_CreateUserMutation);
  const [, remove] = useMutation(UsersAdmin_DeleteUserMutation);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [generated, setGenerated] = useState<{ username: string; password: string } | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<{ id: string; username: string } | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setProblem(null);
    setGenerated(null);
    const result = await create({
      input: {
        username: String(form.get('username') ?? '').trim(),
        role: String(form.get('role') ?? 'viewer'),
        password: String(form.get('password') ?? '') || null,
        deviceGroupIds: form.getAll('deviceGroupIds').map(String),
      },
    });
    const payload = result.data?.createUser;
    if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename !== 'CreateUserSuccess') return setProblem(problemOf(payload));
    formElement.reset();
    if (payload.generatedPassword) {
      setGenerated({ username: payload.user.username, password: payload.generatedPassword });
    }
    announce(`User ${payload.user.username} created`);
    reexecute({ requestPolicy: 'network-only' });
  }

  const fieldError = (field: string) => (problem?.field === field ? problem.message : null);
  const editingUser = data?.users.edges.find(({ node }) => node.id === editing)?.node ?? null;
  return (
    <>
      {error && !data ? <p className="notice notice-error">{errorMessage(error)}</p> : null}
      <div className="table-wrap">
        <table className="data-table" data-testid="users-table">
          <thead>
            <tr>
              <th>User</th>
              <th>Role</th>
              <th>Device groups</th>
              <th>Last sign-in</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data?.users.edges.map(({ node }) => (
              <tr key={node.id}>
                <td>
                  {node.username}
                  {node.disabled ? <span className="muted"> (disabled)</span> : null}
                </td>
                <td>{node.role}</td>
                <td>
                  {node.role === 'admin' ? 'all' : node.deviceGroups.map((group) => group.name).join(', ') || 'none'}
                </td>
                <td>{node.lastLoginAt ? formatDateTime(node.lastLoginAt) : 'never'}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="button button-quiet"
                    aria-label={`Edit user ${node.username}`}
                    onClick={() => setEditing(node.id)}
                  >
                    Edit
                  </button>{' '}
                  <button
                    type="button"
                    className="button button-quiet"
                    aria-label={`Delete user ${node.username}`}
                    onClick={() => setDeleting(node)}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete user ${deleting?.username ?? ''}?`}
        confirmLabel={`Delete ${deleting?.username ?? ''}`}
        onConfirm={async () => {
          const user = deleting;
          setDeleting(null);
          if (!user) return;
          const result = await remove({ input: { id: user.id } });
          const payload = result.data?.deleteUser;
          const message = payload && 'message' in payload ? payload.message : null;
          if (message) setProblem({ field: null, message });
          announce(message ?? `User ${user.username} deleted`);
          reexecute({ requestPolicy: 'network-only' });
        }}
        onCancel={() => setDeleting(null)}
      >
        <p>
          {deleting?.username} can no longer sign in, and their sessions and API tokens stop working. The audit log
          keeps what they did.
        </p>
      </ConfirmDialog>
      {editingUser ? (
        <UserEditor
          key={editingUser.id}
          user={editingUser}
          groups={data?.deviceGroups.edges.map((edge) => edge.node) ?? []}
          onDone={() => {
            setEditing(null);
            reexecute({ requestPolicy: 'network-only' });
          }}
        />
      ) : null}
      {generated ? (
        <p className="notice" role="status" data-testid="generated-password">
          Password for {generated.username} (shown once): <code>{generated.password}</code>
        </p>
      ) : null}
      <form className="form" onSubmit={(event) => void submit(event)} data-testid="user-form">
        <h2>New user</h2>
        <FormField label="Username" error={fieldError('username')}>
          <input name="username" required autoComplete="off" />
        </FormField>
        <FormField label="Role" error={fieldError('role')}>
          <select name="role" defaultValue="viewer">
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        </FormField>
        <FormField label="Password" error={fieldError('password')} hint="Empty: the server generates one">
          <input name="password" type="password" autoComplete="new-password" />
        </FormField>
        <fieldset className="form-field">
          <legend>Device groups (viewers and operators)</legend>
          {data?.deviceGroups.edges.map(({ node }) => (
            <label key={node.id} className="toggle">
              <input type="checkbox" name="deviceGroupIds" value={node.id} /> {node.name}
            </label>
          ))}
          {fieldError('deviceGroupIds') ? <span className="field-error">{fieldError('deviceGroupIds')}</span> : null}
        </fieldset>
        {problem && !['username', 'role', 'password', 'deviceGroupIds'].includes(problem.field ?? '') ? (
          <p className="inline-error" role="alert">
            {problem.message}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button" disabled={fetching}>
            Create user
          </button>
        </div>
      </form>
    </>
  );
}
