'use client';

import { useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../lib/error-message';
import { graphql } from '../lib/graphql';
import { ChangePasswordForm } from './change-password-form';
import { LiveIndicator } from './live-indicator';

const AccountMenu_LogoutMutation = graphql(`
  mutation AccountMenu_LogoutMutation {
    logout { ok }
  }
`);

/** The header's right side: connection state, who is signed in, Change password and Sign out. */
export function AccountMenu({ viewer }: { viewer: { username: string; role: string } }) {
  const [{ fetching: signingOut }, logout] = useMutation(AccountMenu_LogoutMutation);
  const [passwordOpen, setPasswordOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signOut() {
    setError(null);
    const result = await logout({});
    if (!result.data?.logout.ok) {
      setError(errorMessage(result.error, 'Signing out failed'));
      return;
    }
    // A full load: drops the cached data and the WebSocket that still carries the old session.
    window.location.assign('/login');
  }

  return (
    <div className="account">
      <LiveIndicator />
      <span className="account-user" data-testid="signed-in-user" title={`Role: ${viewer.role}`}>
        {viewer.username}
      </span>
      <button
        type="button"
        className="header-button"
        aria-expanded={passwordOpen}
        onClick={() => setPasswordOpen((open) => !open)}
      >
        Change password
      </button>
      <button type="button" className="header-button" disabled={signingOut} onClick={() => void signOut()}>
        {signingOut ? 'Signing out…' : 'Sign out'}
      </button>
      {error ? (
        <span className="inline-error" role="alert">
          {error}
        </span>
      ) : null}
      {passwordOpen ? <ChangePasswordForm onClose={() => setPasswordOpen(false)} /> : null}
    </div>
  );
}
