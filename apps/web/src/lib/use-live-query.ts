'use client';

import type { AnyVariables, TypedDocumentNode } from '@urql/core';
import { useQuery } from 'urql';
import { useOnReconnect } from '../components/urql-provider';

/**
 * useQuery for data that live events keep current: when the WebSocket reconnects after a drop, the
 * query is read again from the network, since whatever changed meanwhile was never delivered.
 */
export function useLiveQuery<Data, Variables extends AnyVariables>(args: {
  query: TypedDocumentNode<Data, Variables>;
  variables: Variables;
  pause?: boolean;
}) {
  const result = useQuery<Data, Variables>(args as Parameters<typeof useQuery<Data, Variables>>[0]);
  const [, reexecute] = result;
  useOnReconnect(() => reexecute({ requestPolicy: 'network-only' }));
  return result;
}
