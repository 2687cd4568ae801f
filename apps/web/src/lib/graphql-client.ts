// Builds the urql client. Everything that decides how the browser talks to the server lives here,
// so adding auth later (cookie session or Bearer token) is a change to this file only.
import {
  Client,
  type CombinedError,
  cacheExchange,
  fetchExchange,
  mapExchange,
  subscriptionExchange,
} from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';

export type GraphqlEndpoints = { http: string; ws: string };

/** `configured` comes from DEVICEVAULT_GRAPHQL_URL; without it the server is assumed on port 4000 of this host. */
export function resolveEndpoints(configured: string | null, location: Location): GraphqlEndpoints {
  const http = configured ?? `${location.protocol}//${location.hostname}:4000/graphql`;
  const url = new URL(http);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return { http, ws: url.toString() };
}

// Auth hook point: the session cookie rides on every request because of `credentials: 'include'`;
// a Bearer token would go into both `headers` below and the WebSocket `connectionParams`.
function authHeaders(): Record<string, string> {
  return {};
}

// The server rejects anonymous requests with extensions.code UNAUTHENTICATED; send the user to sign in
// and bring them back to the page they were on.
function redirectToLoginWhenSignedOut(error: CombinedError): void {
  const signedOut = error.graphQLErrors.some((graphqlError) => graphqlError.extensions?.code === 'UNAUTHENTICATED');
  if (!signedOut || window.location.pathname === '/login') return;
  const next = `${window.location.pathname}${window.location.search}`;
  window.location.assign(`/login?next=${encodeURIComponent(next)}`);
}

export function createBrowserClient(endpoints: GraphqlEndpoints): Client {
  const wsClient = createWsClient({
    url: endpoints.ws,
    connectionParams: () => ({ ...authHeaders() }),
    lazy: true,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
  });

  return new Client({
    url: endpoints.http,
    preferGetMethod: false,
    fetchOptions: () => ({ credentials: 'include', headers: authHeaders() }),
    exchanges: [
      mapExchange({ onError: redirectToLoginWhenSignedOut }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = wsClient.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}

/**
 * Used while rendering on the server: client components render there too, and urql starts (then
 * cancels) a request on first render. The dashboard's data is all live, so the server renders the
 * loading state and never talks to GraphQL.
 */
export function createServerRenderClient(): Client {
  return new Client({
    url: 'http://server-render.invalid/graphql',
    exchanges: [fetchExchange],
    fetch: () => new Promise<Response>(() => {}),
  });
}
