/**
 * Requests GraphQL refuses before executing (syntax errors, validation errors, query limits) answer 400,
 * whatever the client accepts. Yoga follows the GraphQL-over-HTTP spec, which lets `application/json`
 * clients get 200 for these; a 4xx makes refusals visible to proxies, logs and rate limiters.
 * Results that carry `data` (resolver errors such as FORBIDDEN) keep their status.
 */
import type { Plugin } from 'graphql-yoga';

export function useRequestErrorStatus(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || Symbol.asyncIterator in result) return;
      if ('data' in result || !result.errors?.length) return;
      if (result.extensions?.http?.status) return;
      const statuses = result.errors.map((error) => error.extensions?.http?.status ?? 400);
      setResult({
        ...result,
        extensions: { ...result.extensions, http: { ...result.extensions?.http, status: Math.max(...statuses) } },
      });
    },
  };
}
