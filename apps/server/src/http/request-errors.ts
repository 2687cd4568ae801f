/**
 * Requests GraphQL refuses before executing (syntax errors, validation errors, query limits) answer 400,
 * whatever the client accepts. Yoga follows the GraphQL-over-HTTP spec, which lets `application/json`
 * clients get 200 for these; a 4xx makes refusals visible to proxies, logs and rate limiters.
 * Results that carry `data` (resolver errors such as FORBIDDEN) keep their status.
 * Parameters that can't be read (`?variables={bad` on a GET, the same in a form body) are the client's
 * mistake too: yoga's parsers let the JSON error escape as an unexpected one (masked, logged, "Unexpected
 * error."), so the chosen parser is wrapped to turn it into a 400 that says what was wrong.
 * A Host header that can't make a URL (`Host: [`) fails in @whatwg-node before any yoga plugin runs, as a
 * 500; `refuseUnparsableHost` answers it 400 first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** Refuses, with 400, a request whose Host and path don't form a URL (the one @whatwg-node builds). */
export function refuseUnparsableHost(next: Handler): Handler {
  return (request, response) => {
    if (URL.canParse(`http://${request.headers.host ?? 'localhost'}${request.url ?? '/'}`)) {
      next(request, response);
      return;
    }
    const body = JSON.stringify({
      errors: [{ message: 'The Host header is not a valid host name.', extensions: { code: 'BAD_REQUEST' } }],
    });
    response.statusCode = 400;
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Content-Length', Buffer.byteLength(body));
    response.setHeader('Connection', 'close');
    response.end(body);
  };
}

export function useRequestErrorStatus(): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (error) {
          if (error instanceof GraphQLError) throw error;
          throw new GraphQLError(`The request's parameters could not be read: ${describe(error)}`, {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
      });
    },
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

function describe(error: unknown) {
  const reason = error instanceof SyntaxError ? `invalid JSON (${error.message})` : String(error);
  return `${reason.slice(0, 200)}. Send \`variables\` and \`extensions\` as JSON objects.`;
}
