'use client';

import { createContext, type ReactNode, useContext, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Provider } from 'urql';
import {
  createBrowserClient,
  createServerRenderClient,
  type GraphqlEndpoints,
  type LiveState,
  type LiveStatus,
  resolveEndpoints,
} from '../lib/graphql-client';

const EndpointsContext = createContext<GraphqlEndpoints | null>(null);
const LiveStatusContext = createContext<LiveStatus | null>(null);

export function UrqlProvider({ graphqlUrl, children }: { graphqlUrl: string | null; children: ReactNode }) {
  // The graphql-ws client must only ever exist in the browser.
  const [state] = useState(() => {
    if (typeof window === 'undefined') return { client: createServerRenderClient(), endpoints: null, liveStatus: null };
    const endpoints = resolveEndpoints(graphqlUrl, window.location);
    return { ...createBrowserClient(endpoints), endpoints };
  });
  return (
    <EndpointsContext.Provider value={state.endpoints}>
      <LiveStatusContext.Provider value={state.liveStatus}>
        <Provider value={state.client}>{children}</Provider>
      </LiveStatusContext.Provider>
    </EndpointsContext.Provider>
  );
}

/** Resolves a server-relative URL (such as a backup's downloadUrl) against the GraphQL server's origin. */
export function useServerUrl(pathOrUrl: string | null): string | null {
  const endpoints = useContext(EndpointsContext);
  if (!pathOrUrl || !endpoints) return null;
  return new URL(pathOrUrl, endpoints.http).toString();
}

const idleStatus: LiveStatus = { getSnapshot: () => 'idle', subscribe: () => () => {}, onReconnect: () => () => {} };

/** The WebSocket's state (`idle` while rendering on the server). */
export function useLiveState(): LiveState {
  const status = useContext(LiveStatusContext) ?? idleStatus;
  return useSyncExternalStore(status.subscribe, status.getSnapshot, () => 'idle');
}

/** Runs `onReconnect` whenever the live connection comes back after a drop (missed events must be re-read). */
export function useOnReconnect(onReconnect: () => void): void {
  const status = useContext(LiveStatusContext) ?? idleStatus;
  const callback = useRef(onReconnect);
  useEffect(() => {
    callback.current = onReconnect;
  });
  useEffect(() => status.onReconnect(() => callback.current()), [status]);
}
