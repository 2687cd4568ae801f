/**
 * Subscription events executed once per (event, operation, caller) instead of once per subscriber. graphql-js
 * runs the selection set for every subscriber of every event; with a thousand dashboards open on the same
 * operation that is a thousand identical executions of each event. Here the source stream is created as
 * graphql-js's subscribe does (the subscribe resolver, with its authorization, runs per subscriber), each
 * event is executed with graphql-js's execute as subscribe would (yoga's enveloped execute turns a
 * subscription document back into a stream), unexpected errors are masked as yoga does, and each event's
 * result is kept on the event object (a WeakMap: gone with the event) keyed by the printed operation, its
 * variables and the caller's identity and grants, since resolvers may show different callers different data.
 */
import type { Context } from '@devicevault/schema/context';
import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  GraphQLError,
  print,
} from 'graphql';
import type { Logger } from '../log.js';

const results = new WeakMap<object, Map<string, Promise<unknown>>>();
const printed = new WeakMap<DocumentNode, string>();

function operationKey(args: ExecutionArgs): string {
  let text = printed.get(args.document);
  if (text === undefined) {
    text = print(args.document);
    printed.set(args.document, text);
  }
  const viewer = (args.contextValue as Context | undefined)?.viewer;
  const caller = viewer ? `${viewer.userId}:${viewer.role}:${[...viewer.deviceGroupIds].sort().join(',')}` : '-';
  return `${caller}\n${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}\n${text}`;
}

export async function subscribeShared(args: ExecutionArgs, log: Logger): Promise<unknown> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in Object(source))) return maskUnexpected(source as ExecutionResult, log);
  const key = operationKey(args);
  const stream = source as AsyncIterable<unknown>;
  return (async function* () {
    const iterator = stream[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        const payload = next.value;
        yield await executeOnce(payload, key, async () =>
          maskUnexpected((await execute({ ...args, rootValue: payload })) as ExecutionResult, log),
        );
      }
    } finally {
      await iterator.return?.();
    }
  })();
}

function executeOnce(payload: unknown, key: string, run: () => Promise<unknown>): Promise<unknown> {
  if (typeof payload !== 'object' || payload === null) return run();
  let byKey = results.get(payload);
  if (!byKey) {
    byKey = new Map();
    results.set(payload, byKey);
  }
  let result = byKey.get(key);
  if (!result) {
    result = run();
    byKey.set(key, result);
  }
  return result;
}

/** Errors from subscribe resolvers: typed GraphQLErrors pass; anything else is ours and is masked, as yoga does. */
function maskUnexpected(result: ExecutionResult, log: Logger): ExecutionResult {
  if (!result.errors) return result;
  return {
    ...result,
    errors: result.errors.map((error) => {
      if (!error.originalError || error.originalError instanceof GraphQLError) return error;
      log.error('unexpected error while starting a subscription', { error: String(error.originalError).slice(0, 500) });
      return new GraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    }),
  };
}
