// A page's first data, read while the server renders it, with the visitor's session, so the HTML already holds
// it (issue 15 item 9: the devices page painted its table at a median of 0.96 s after a "Loading…" HTML).
// Server components only. Without a session, or when the API does not answer quickly, the answer is null and
// the page loads in the browser as before.

import type { TadaDocumentNode } from 'gql.tada';
import { print } from 'graphql';
import { cookies } from 'next/headers';
import { readRuntimeConfig } from './runtime-config';

// The API's session cookie (apps/server/src/auth/identity.ts). Cookies are per host, not per port, so the
// browser sends the API's cookie to the dashboard too.
const sessionCookie = 'dv_session';
// Past this the page renders without the data rather than keep the visitor waiting.
const answerWithinMs = 1_500;

export async function queryOnServer<Data, Variables>(
  document: TadaDocumentNode<Data, Variables>,
  variables: Variables,
): Promise<Data | null> {
  const session = (await cookies()).get(sessionCookie)?.value;
  if (!session) return null;
  // Without a configured URL the browser derives the API from its own location; here the quick start's
  // API on this machine is the one (never a host named by the request, which a visitor controls).
  const endpoint = readRuntimeConfig().graphqlUrl ?? 'http://127.0.0.1:4000/graphql';
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `${sessionCookie}=${session}` },
      body: JSON.stringify({ query: print(document), variables }),
      signal: AbortSignal.timeout(answerWithinMs),
      cache: 'no-store',
    });
    if (!response.ok) return null;
    const body = (await response.json()) as { data?: Data; errors?: unknown[] };
    return body.errors || !body.data ? null : body.data;
  } catch {
    return null;
  }
}
