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
import { createInOrder, type DirectDelivery, directDelivery } from '@devicevault/schema/direct-delivery';
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

const results = new WeakMap<object, Map<string, string | Promise<string>>>();
const printed = new WeakMap<DocumentNode, string>();

/** Where a subscription's `next` frames go: its operation id and its socket. */
export interface FrameSink {
  id: string;
  /** Queues one text frame on the socket (in order, without waiting for it to be written). */
  send(frame: string): void;
  /** Called once when the subscription starts delivering and once when it ends, for the open-subscriptions gauge. */
  opened(): void;
  closed(): void;
}

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

/**
 * Starts a subscription whose events are written to `sink` as ready-made graphql-ws `next` frames: each
 * event's result is executed and serialized once per (event, operation, caller) and each subscriber adds
 * only its id, instead of graphql-ws stringifying the whole message and awaiting the write per subscriber.
 * Returns what graphql-ws iterates: it never yields, ends (graphql-ws then sends `complete`) when the
 * source ends, rejects with the source's error, and its `return()` (client's `complete`, socket closed)
 * stops the source.
 */
export async function subscribeShared(args: ExecutionArgs, log: Logger, sink: FrameSink): Promise<unknown> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in Object(source))) return maskUnexpected(source as ExecutionResult, log);
  const key = operationKey(args);
  const framePrefix = `{"id":${JSON.stringify(sink.id)},"type":"next","payload":`;
  const serialized = (payload: unknown) => serializeOnce(payload, key, () => serialize(args, payload, log));
  const direct = (source as { [directDelivery]?: DirectDelivery<unknown> })[directDelivery];
  return (
    (direct && deliverDirectly(direct, sink, framePrefix, serialized)) ??
    pump(source as AsyncIterable<unknown>, sink, framePrefix, serialized)
  );
}

type Serialized = (payload: unknown) => string | Promise<string>;

/** What graphql-ws iterates: never yields, ends when `ended` settles; `stop` is its return(). */
function operationHandle(ended: Promise<unknown>, stop: () => void) {
  // graphql-ws only iterates once it is still subscribed; otherwise it returns at once.
  ended.catch(() => {});
  const done = async (): Promise<IteratorResult<never>> => {
    stop();
    return { value: undefined, done: true };
  };
  const handle = {
    next: () => ended.then((): IteratorResult<never> => ({ value: undefined, done: true })),
    return: done,
    throw: done,
    [Symbol.asyncIterator]: () => handle,
  };
  return handle;
}

/** Events handed over synchronously, each written as soon as its (shared) serialization exists. */
function deliverDirectly(
  direct: DirectDelivery<unknown>,
  sink: FrameSink,
  framePrefix: string,
  serialized: Serialized,
) {
  let over = false;
  let settle!: (error?: unknown) => void;
  const ended = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  const end = (error?: unknown) => {
    if (over) return;
    over = true;
    sink.closed();
    settle(error);
  };
  const inOrder = createInOrder();
  const stop = direct.start((payload) => {
    inOrder(
      () => {
        const result = serialized(payload);
        return typeof result === 'string' ? result : undefined;
      },
      async () => serialized(payload),
      (result) => {
        if (!over) sink.send(`${framePrefix}${result}}`);
      },
      end,
    );
  }, end);
  if (!stop) return null;
  sink.opened();
  return operationHandle(ended, () => {
    stop();
    end();
  });
}

/** Any other source: iterated, each event written once its serialization exists. */
function pump(source: AsyncIterable<unknown>, sink: FrameSink, framePrefix: string, serialized: Serialized) {
  const iterator = source[Symbol.asyncIterator]();
  let stopped = false;
  const pumped = (async () => {
    sink.opened();
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done || stopped) return;
        const result = await serialized(next.value);
        if (stopped) return;
        sink.send(`${framePrefix}${result}}`);
      }
    } finally {
      sink.closed();
    }
  })();
  return operationHandle(pumped, () => {
    stopped = true;
    // Not awaited: a source generator waiting for its next event finishes its return only when one arrives.
    void iterator.return?.();
  });
}

/** Executes an event as graphql-js's subscribe would; synchronously when every resolver is. */
function serialize(args: ExecutionArgs, payload: unknown, log: Logger): string | Promise<string> {
  const result = execute({ ...args, rootValue: payload });
  const json = (executed: ExecutionResult) => JSON.stringify(maskUnexpected(executed, log));
  return result instanceof Promise ? result.then(json) : json(result);
}

function serializeOnce(payload: unknown, key: string, run: () => string | Promise<string>): string | Promise<string> {
  if (typeof payload !== 'object' || payload === null) return run();
  let byKey = results.get(payload);
  if (!byKey) {
    byKey = new Map();
    results.set(payload, byKey);
  }
  let result = byKey.get(key);
  if (result === undefined) {
    result = run();
    byKey.set(key, result);
    // Once it exists, later subscribers take the string without waiting.
    if (typeof result !== 'string') {
      const cache = byKey;
      result.then((text) => cache.set(key, text)).catch(() => {});
    }
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
