'use client';

import type { AnyVariables, TypedDocumentNode } from '@urql/core';
import { useEffect, useRef } from 'react';
import { useClient } from 'urql';

/**
 * Calls `onData` for every payload of a subscription. urql's useSubscription keeps only the latest
 * result in state, so two events delivered in one tick would collapse; live progress needs each one.
 */
export function useSubscriptionEvents<Data, Variables extends AnyVariables>(
  query: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  onData: (data: Data) => void,
  options: { pause?: boolean } = {},
): void {
  const client = useClient();
  const onDataRef = useRef(onData);
  useEffect(() => {
    onDataRef.current = onData;
  });
  const variablesKey = JSON.stringify(variables);
  const pause = options.pause ?? false;

  // biome-ignore lint/correctness/useExhaustiveDependencies: variablesKey stands for variables by value
  useEffect(() => {
    if (pause) return;
    const subscription = client.subscription(query, variables).subscribe((result) => {
      if (result.data) onDataRef.current(result.data);
      if (result.error) console.error('subscription error', result.error);
    });
    return () => subscription.unsubscribe();
  }, [client, query, variablesKey, pause]);
}
