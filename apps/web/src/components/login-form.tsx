'use client';

import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../lib/error-message';
import { graphql } from '../lib/graphql';

const LoginForm_LoginMutation = graphql(`
  mutation LoginForm_LoginMutation($input: LoginInput!) {
    login(input: $input) {
      __typename
      ... on LoginSuccess {
        user { id username role }
      }
      ... on Error {
        message
      }
    }
  }
`);

/** Signs in; the server answers with an httpOnly session cookie that later requests and the WebSocket carry. */
export function LoginForm({ next }: { next: string }) {
  const [{ fetching }, login] = useMutation(LoginForm_LoginMutation);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    const result = await login({
      input: { username: String(form.get('username') ?? ''), password: String(form.get('password') ?? '') },
    });
    const payload = result.data?.login;
    if (!payload) {
      setError(errorMessage(result.error));
      return;
    }
    if (payload.__typename !== 'LoginSuccess') {
      setError(payload.message);
      return;
    }
    // A full load: the WebSocket opened before signing in has no session and must be reopened.
    window.location.assign(next);
  }

  return (
    <form className="login-form" onSubmit={(event) => void submit(event)}>
      <label>
        Username
        <input name="username" autoComplete="username" required defaultValue="admin" />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button" disabled={fetching}>
        {fetching ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
