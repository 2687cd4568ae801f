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

/**
 * The WebSocket's state for the header's "live" dot: `idle` while no subscription needs it (the socket is
 * lazy), `connecting` while one waits for it (first connect or a retry), `live` once the server acked.
 */
export type LiveState = 'idle' | 'connecting' | 'live';

export type LiveStatus = {
  getSnapshot(): LiveState;
  subscribe(listener: () => void): () => void;
  /** Called each time the socket comes back after it had been connected and dropped. */
  onReconnect(listener: () => void): () => void;
};

function createLiveStatus() {
  let connected = false;
  let activeSubscriptions = 0;
  let state: LiveState = 'idle';
  let everConnected = false;
  const listeners = new Set<() => void>();
  const reconnectListeners = new Set<() => void>();
  function update() {
    const next: LiveState = connected ? 'live' : activeSubscriptions > 0 ? 'connecting' : 'idle';
    if (next === state) return;
    state = next;
    for (const listener of listeners) listener();
  }
  return {
    status: {
      getSnapshot: () => state,
      subscribe(listener: () => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      onReconnect(listener: () => void) {
        reconnectListeners.add(listener);
        return () => reconnectListeners.delete(listener);
      },
    } satisfies LiveStatus,
    setConnected(value: boolean) {
      connected = value;
      update();
      if (!value) return;
      // Events published while the socket was down are gone: pages re-read what they show.
      if (everConnected) for (const listener of reconnectListeners) listener();
      everConnected = true;
    },
    addSubscription(delta: 1 | -1) {
      activeSubscriptions += delta;
      update();
    },
  };
}

export function createBrowserClient(endpoints: GraphqlEndpoints): { client: Client; liveStatus: LiveStatus } {
  const live = createLiveStatus();
  const wsClient = createWsClient({
    url: endpoints.ws,
    connectionParams: () => ({ ...authHeaders() }),
    lazy: true,
    // Moving between pages drops and re-adds subscriptions; keep the socket (and the live dot) meanwhile.
    lazyCloseTimeout: 3_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    // graphql-ws doubles its wait without bound; after an API restart the page should be live within seconds.
    retryWait: (retries) =>
      new Promise((resolve) => setTimeout(resolve, Math.min(1_000 * 2 ** retries, 5_000) + Math.random() * 500)),
    on: {
      connected: () => live.setConnected(true),
      closed: () => live.setConnected(false),
    },
  });

  const client = new Client({
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
              live.addSubscription(1);
              let active = true;
              const release = () => {
                if (!active) return;
                active = false;
                live.addSubscription(-1);
              };
              const unsubscribe = wsClient.subscribe(input, {
                next: sink.next.bind(sink),
                error: (error) => {
                  release();
                  sink.error(error);
                },
                complete: () => {
                  release();
                  sink.complete();
                },
              });
              return {
                unsubscribe() {
                  release();
                  unsubscribe();
                },
              };
            },
          };
        },
      }),
    ],
  });
  return { client, liveStatus: live.status };
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
