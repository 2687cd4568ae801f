'use client';

import { createContext, type ReactNode, useContext, useState } from 'react';
import { Provider } from 'urql';
import {
  createBrowserClient,
  createServerRenderClient,
  type GraphqlEndpoints,
  resolveEndpoints,
} from '../lib/graphql-client';

const EndpointsContext = createContext<GraphqlEndpoints | null>(null);

export function UrqlProvider({ graphqlUrl, children }: { graphqlUrl: string | null; children: ReactNode }) {
  // The graphql-ws client must only ever exist in the browser.
  const [state] = useState(() => {
    if (typeof window === 'undefined') return { client: createServerRenderClient(), endpoints: null };
    const endpoints = resolveEndpoints(graphqlUrl, window.location);
    return { client: createBrowserClient(endpoints), endpoints };
  });
  return (
    <EndpointsContext.Provider value={state.endpoints}>
      <Provider value={state.client}>{children}</Provider>
    </EndpointsContext.Provider>
  );
}

/** Resolves a server-relative URL (such as a backup's downloadUrl) against the GraphQL server's origin. */
export function useServerUrl(pathOrUrl: string | null): string | null {
  const endpoints = useContext(EndpointsContext);
  if (!pathOrUrl || !endpoints) return null;
  return new URL(pathOrUrl, endpoints.http).toString();
}
