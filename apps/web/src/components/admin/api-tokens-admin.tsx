'use client';

import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { graphql } from '../../lib/graphql';
import { useAnnounce } from '../announcer';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';

const ApiTokensAdmin_TokensQuery = graphql(`
  query ApiTokensAdmin_TokensQuery {
    apiTokens(first: 100) { edges { node { id name prefix active createdAt expiresAt lastUsedAt user { id username } } } }
  }
`);

const ApiTokensAdmin_CreateTokenMutation = graphql(`
  mutation ApiTokensAdmin_CreateTokenMutation($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      __typename
      ... on CreateApiTokenSuccess { token apiToken { id name } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

const ApiTokensAdmin_RevokeTokenMutation = graphql(`
  mutation ApiTokensAdmin_RevokeTokenMutation($input: RevokeApiTokenInput!) {
    revokeApiToken(input: $input) {
      __typename
      ... on Error { message }
    }
  }
`);

/** API tokens for scripts: the secret is shown once, on creation; revoking is immediate. */
export function ApiTokensAdmin() {
  const announce = useAnnounce();
  const [{ data, error }, reexecute] = useQuery({ query: ApiTokensAdmin_TokensQuery });
  const [{ fetching }, create] = useMutation(ApiTokensAdmin_CreateTokenMutation);
  const [, revoke] = useMutation(ApiTokensAdmin_RevokeTokenMutation);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setProblem(null);
    setCreated(null);
    const days = Number(form.get('days') ?? 0);
    const result = await create({
      input: {
        name: String(form.get('name') ?? '').trim(),
        expiresAt: days > 0 ? new Date(Date.now() + days * 86_400_000).toISOString() : null,
      },
    });
    const payload = result.data?.createApiToken;
    if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename !== 'CreateApiTokenSuccess') return setProblem(problemOf(payload));
    formElement.reset();
    setCreated({ name: payload.apiToken.name, token: payload.token });
    announce(`Token ${payload.apiToken.name} created; copy it now`);
    reexecute({ requestPolicy: 'network-only' });
  }

  return (
    <>
      {error && !data ? <p className="notice notice-error">{errorMessage(error)}</p> : null}
      {created ? (
        <p className="notice" role="status" data-testid="new-token">
          Token {created.name} (shown once, copy it now): <code className="secret">{created.token}</code>
        </p>
      ) : null}
      <div className="table-wrap">
        <table className="data-table" data-testid="tokens-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Prefix</th>
              <th>User</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Last used</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data?.apiTokens.edges.map(({ node }) => (
              <tr key={node.id}>
                <td>
                  {node.name}
                  {node.active ? null : <span className="muted"> (revoked or expired)</span>}
                </td>
                <td className="mono">{node.prefix}</td>
                <td>{node.user.username}</td>
                <td>{formatDateTime(node.createdAt)}</td>
                <td>{node.expiresAt ? formatDateTime(node.expiresAt) : 'never'}</td>
                <td>{node.lastUsedAt ? formatDateTime(node.lastUsedAt) : 'never'}</td>
                <td className="actions">
                  {node.active ? (
                    <button
                      type="button"
                      className="button button-quiet"
                      aria-label={`Revoke token ${node.name}`}
                      onClick={async () => {
                        await revoke({ input: { id: node.id } });
                        announce(`Token ${node.name} revoked`);
                        reexecute({ requestPolicy: 'network-only' });
                      }}
                    >
                      Revoke
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="form" onSubmit={(event) => void submit(event)} data-testid="token-form">
        <h2>New token</h2>
        <FormField label="Name" error={problem?.field === 'name' ? problem.message : null}>
          <input name="name" required autoComplete="off" />
        </FormField>
        <FormField
          label="Expires after (days, empty: never)"
          error={problem?.field === 'expiresAt' ? problem.message : null}
        >
          <input name="days" inputMode="numeric" />
        </FormField>
        {problem && problem.field !== 'name' && problem.field !== 'expiresAt' ? (
          <p className="inline-error" role="alert">
            {problem.message}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button" disabled={fetching}>
            Create token
          </button>
        </div>
      </form>
    </>
  );
}
