'use client';

import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { graphql } from '../../lib/graphql';
import { useAnnounce } from '../announcer';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';

const NetworkPolicyAdmin_PolicyQuery = graphql(`
  query NetworkPolicyAdmin_PolicyQuery {
    networkPolicy { allow deny defaultDeny }
  }
`);

const NetworkPolicyAdmin_UpdateMutation = graphql(`
  mutation NetworkPolicyAdmin_UpdateMutation($input: UpdateNetworkPolicyInput!) {
    updateNetworkPolicy(input: $input) {
      __typename
      ... on UpdateNetworkPolicySuccess { networkPolicy { allow deny defaultDeny } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

function lines(value: FormDataEntryValue | null): string[] {
  return String(value ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/** Which addresses jobs may connect to: allow and deny lists of CIDRs, addresses and host names. */
export function NetworkPolicyAdmin() {
  const announce = useAnnounce();
  const [{ data, error }, reexecute] = useQuery({ query: NetworkPolicyAdmin_PolicyQuery });
  const [{ fetching }, update] = useMutation(NetworkPolicyAdmin_UpdateMutation);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const policy = data?.networkPolicy;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setProblem(null);
    const result = await update({ input: { allow: lines(form.get('allow')), deny: lines(form.get('deny')) } });
    const payload = result.data?.updateNetworkPolicy;
    if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename !== 'UpdateNetworkPolicySuccess') return setProblem(problemOf(payload));
    announce('Network policy saved');
    reexecute({ requestPolicy: 'network-only' });
  }

  if (error && !data) return <p className="notice notice-error">{errorMessage(error)}</p>;
  if (!policy) return <p className="notice">Loading…</p>;
  return (
    <form className="form" onSubmit={(event) => void submit(event)} key={JSON.stringify(policy)}>
      <FormField
        label="Allow (one per line; empty allows every address not denied)"
        error={problem?.field === 'allow' ? problem.message : null}
      >
        <textarea name="allow" rows={6} className="mono" defaultValue={policy.allow.join('\n')} />
      </FormField>
      <FormField label="Deny (wins over allow)" error={problem?.field === 'deny' ? problem.message : null}>
        <textarea name="deny" rows={6} className="mono" defaultValue={policy.deny.join('\n')} />
      </FormField>
      <p className="muted small">
        A fresh install denies: <code>{policy.defaultDeny.join(', ')}</code>
      </p>
      {problem && problem.field !== 'allow' && problem.field !== 'deny' ? (
        <p className="inline-error" role="alert">
          {problem.message}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button" disabled={fetching}>
          Save network policy
        </button>
      </div>
    </form>
  );
}
