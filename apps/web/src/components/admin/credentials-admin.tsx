'use client';

import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { graphql } from '../../lib/graphql';
import { useAnnounce } from '../announcer';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';
import { usePermissions } from '../viewer-provider';
import { CredentialEditor } from './credential-editor';

const CredentialsAdmin_CredentialsQuery = graphql(`
  query CredentialsAdmin_CredentialsQuery {
    credentials(first: 100) { edges { node { id name username hasEnableSecret usedByCount deviceGroupId } } }
    deviceGroups(first: 100) { edges { node { id name } } }
  }
`);

const CredentialsAdmin_CreateCredentialMutation = graphql(`
  mutation CredentialsAdmin_CreateCredentialMutation($input: CreateCredentialInput!) {
    createCredential(input: $input) {
      __typename
      ... on CreateCredentialSuccess { credential { id name } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

const CredentialsAdmin_DeleteCredentialMutation = graphql(`
  mutation CredentialsAdmin_DeleteCredentialMutation($input: DeleteCredentialInput!) {
    deleteCredential(input: $input) {
      __typename
      ... on Error { message }
    }
  }
`);

/** Credentials: name and username are shown; the secret is write-only (the API never returns it). */
export function CredentialsAdmin() {
  const announce = useAnnounce();
  const { isAdmin } = usePermissions();
  const [{ data, error }, reexecute] = useQuery({ query: CredentialsAdmin_CredentialsQuery });
  const [{ fetching }, create] = useMutation(CredentialsAdmin_CreateCredentialMutation);
  const [, remove] = useMutation(CredentialsAdmin_DeleteCredentialMutation);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const editedCredential = data?.credentials.edges.find(({ node }) => node.id === editing)?.node;
  const groups = new Map(data?.deviceGroups.edges.map(({ node }) => [node.id, node.name]));

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const text = (name: string) => String(form.get(name) ?? '');
    setProblem(null);
    const result = await create({
      input: {
        name: text('name').trim(),
        username: text('username').trim(),
        secret: text('secret'),
        enableSecret: text('enableSecret') || null,
        deviceGroupId: text('deviceGroupId') || null,
      },
    });
    const payload = result.data?.createCredential;
    if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename !== 'CreateCredentialSuccess') return setProblem(problemOf(payload));
    formElement.reset();
    announce(`Credential ${payload.credential.name} created`);
    reexecute({ requestPolicy: 'network-only' });
  }

  const fieldError = (field: string) => (problem?.field === field ? problem.message : null);
  return (
    <>
      {error && !data ? <p className="notice notice-error">{errorMessage(error)}</p> : null}
      <div className="table-wrap">
        <table className="data-table" data-testid="credentials-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Username</th>
              <th>Enable secret</th>
              <th>Operators of</th>
              <th className="num">Devices</th>
              {isAdmin ? (
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {data?.credentials.edges.map(({ node }) => (
              <tr key={node.id}>
                <td>{node.name}</td>
                <td className="mono">{node.username}</td>
                <td>{node.hasEnableSecret ? 'set' : '—'}</td>
                <td>{node.deviceGroupId ? (groups.get(node.deviceGroupId) ?? 'a group') : 'admins only'}</td>
                <td className="num">{node.usedByCount}</td>
                {isAdmin ? (
                  <td className="actions">
                    <button
                      type="button"
                      className="button button-quiet"
                      aria-label={`Edit ${node.name}`}
                      onClick={() => setEditing(node.id)}
                    >
                      Edit
                    </button>{' '}
                    <button
                      type="button"
                      className="button button-quiet"
                      aria-label={`Delete credential ${node.name}`}
                      onClick={async () => {
                        const result = await remove({ input: { id: node.id } });
                        const payload = result.data?.deleteCredential;
                        const message = payload && 'message' in payload ? payload.message : null;
                        announce(message ?? `Credential ${node.name} deleted`);
                        if (message) setProblem({ field: null, message });
                        reexecute({ requestPolicy: 'network-only' });
                      }}
                    >
                      Delete
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {isAdmin && editedCredential ? (
        <CredentialEditor
          key={editedCredential.id}
          credential={editedCredential}
          groups={data?.deviceGroups.edges.map(({ node }) => node) ?? []}
          onDone={(saved) => {
            setEditing(null);
            if (saved) reexecute({ requestPolicy: 'network-only' });
          }}
        />
      ) : null}
      {isAdmin ? (
        <form className="form" onSubmit={(event) => void submit(event)} data-testid="credential-form">
          <h2>New credential</h2>
          <FormField label="Name" error={fieldError('name')}>
            <input name="name" required autoComplete="off" />
          </FormField>
          <FormField label="Username" error={fieldError('username')}>
            <input name="username" required autoComplete="off" />
          </FormField>
          <FormField label="Secret" error={fieldError('secret')} hint="Write-only: never shown again">
            <input name="secret" type="password" required autoComplete="new-password" />
          </FormField>
          <FormField label="Enable secret (optional)" error={fieldError('enableSecret')}>
            <input name="enableSecret" type="password" autoComplete="new-password" />
          </FormField>
          <FormField label="Operators of this group may use it" error={fieldError('deviceGroupId')}>
            <select name="deviceGroupId" defaultValue="">
              <option value="">None (admins only)</option>
              {data?.deviceGroups.edges.map(({ node }) => (
                <option key={node.id} value={node.id}>
                  {node.name}
                </option>
              ))}
            </select>
          </FormField>
          {problem && !problem.field ? (
            <p className="inline-error" role="alert">
              {problem.message}
            </p>
          ) : null}
          <div className="form-actions">
            <button type="submit" className="button" disabled={fetching}>
              Create credential
            </button>
          </div>
        </form>
      ) : null}
    </>
  );
}
