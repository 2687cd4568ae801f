import type { CombinedError } from '@urql/core';

/**
 * The server's own words for a failed request: urql prefixes messages with "[GraphQL]" or "[Network]",
 * which mean nothing to the person reading them.
 */
export function errorMessage(error: CombinedError | undefined | null, fallback = 'The server did not answer'): string {
  if (!error) return fallback;
  const messages = error.graphQLErrors.map((graphqlError) => graphqlError.message).filter(Boolean);
  if (messages.length > 0) return messages.join('; ');
  if (error.networkError) return `Could not reach the server (${error.networkError.message})`;
  return error.message.replace(/^\[(GraphQL|Network)\]\s*/, '') || fallback;
}
