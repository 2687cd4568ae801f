/**
 * graphql-ws on the same port and path as HTTP, going through yoga's envelop so subscriptions share its
 * plugins and context (research/stack.md §4).
 * The socket glue around graphql-ws's `makeServer` is ours rather than `graphql-ws/use/ws`: that adapter
 * prints every socket error with console.error and a stack trace, and a malformed frame from any client
 * (bad opcode, invalid UTF-8, over the size cap) is such an error. ws has already closed that socket with the
 * right close code (1002, 1007, 1009); here it costs one info line.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { type ExecutionArgs, GraphQLError } from 'graphql';
import { CloseCode, handleProtocols, makeServer } from 'graphql-ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../log.js';
import { maxBodyBytes } from './body-limit.js';
import { type FrameSink, subscribeShared } from './shared-execution.js';

interface EnvelopedRoot {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
}

// A subscriber whose socket has this much unsent data can't keep up (or is gone without closing): dropped.
const maxBufferedBytes = 16 * 1024 * 1024;

// Sockets corked by the code running now.
const corked = new WeakSet<Socket>();

/**
 * Holds a socket's writes until the code that is running now is done, so a burst of events published
 * together (a group's 50 `queued` lines) reaches a subscriber in one write instead of one system call per
 * frame. (Until the loop's next turn would hold them behind whatever I/O callbacks are ready.)
 */
function corkUntilNextTurn(raw: Socket) {
  if (corked.has(raw)) return;
  corked.add(raw);
  raw.cork();
  process.nextTick(() => {
    corked.delete(raw);
    raw.uncork();
  });
}

/** How often an idle socket is pinged; one that doesn't answer before the next ping is dropped. */
const keepAliveMs = 12_000;

export function attachGraphqlWs(
  server: Server,
  yoga: YogaServerInstance<Record<string, unknown>, Record<string, unknown>>,
  log: Logger,
) {
  // A message is one operation: the same cap as an HTTP body (ws closes the socket with 1009 past it).
  const wss = new WebSocketServer({
    server,
    path: yoga.graphqlEndpoint,
    maxPayload: maxBodyBytes,
    handleProtocols: (protocols) => handleProtocols(protocols),
  });
  // The HTTP server's own errors are re-emitted here; without a listener they would throw.
  wss.on('error', (error) => log.error('WebSocket server error', { error: String(error) }));
  // Open subscriptions, for the devicevault_graphql_subscriptions gauge.
  let open = 0;
  // Each operation's frame sink, by the arguments onSubscribe made for it (graphql-ws hands them to subscribe).
  const sinks = new WeakMap<object, FrameSink>();
  const graphqlWs = makeServer<Record<string, unknown> | undefined, { socket: WebSocket; request: IncomingMessage }>({
    execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
    subscribe: (args) => {
      const sink = sinks.get(args);
      if (!sink) throw new Error('a subscription started without its socket');
      return subscribeShared(args, log, sink) as never;
    },
    // `http` (status for yoga's HTTP answers) means nothing on a socket.
    onError: (_ctx, _id, _payload, errors) =>
      errors.map((error) => {
        const { http: _http, ...extensions } = error.extensions;
        return { ...error.toJSON(), extensions };
      }),
    onSubscribe: async (ctx, id, params) => {
      try {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          connectionParams: ctx.connectionParams,
        });
        // Syntax errors and query limits (nesting, depth, aliases, cost, tokens, fragments) end this operation.
        const document = parse(params.query);
        const args = {
          schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        if (errors.length > 0) return errors;
        sinks.set(args, frameSink(ctx.extra.socket, ctx.extra.request.socket, id));
        return args;
      } catch (error) {
        if (error instanceof GraphQLError) return [error];
        // Anything else is ours, not the client's: this operation fails, the socket and its others go on.
        log.error('unexpected error while starting a graphql-ws operation', { error: String(error).slice(0, 500) });
        return [new GraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })];
      }
    },
  });

  function frameSink(socket: WebSocket, raw: Socket, id: string): FrameSink {
    return {
      id,
      send(frame) {
        if (socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > maxBufferedBytes) {
          log.warn('dropped a subscriber that could not keep up', { bufferedBytes: socket.bufferedAmount });
          socket.terminate();
          return;
        }
        corkUntilNextTurn(raw);
        socket.send(frame);
      },
      opened: () => void open++,
      closed: () => void open--,
    };
  }

  wss.on('connection', (socket, request) => {
    socket.on('error', (error) => {
      log.info('closed a WebSocket after a malformed frame', {
        code: (error as { code?: string }).code,
        reason: error.message.slice(0, 200),
      });
    });
    let alive = true;
    socket.on('pong', () => {
      alive = true;
    });
    const keepAlive = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, keepAliveMs);
    const closed = graphqlWs.opened(
      {
        protocol: socket.protocol,
        // A peer that went away mid-send is not an error worth a log line; the close handler cleans up.
        send: (data) =>
          new Promise<void>((resolve) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, () => resolve());
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', async (data) => {
            try {
              // Malformed messages close the socket with 4400 inside graphql-ws; this catches only our bugs.
              await handle(String(data));
            } catch (error) {
              log.error('unexpected error while handling a graphql-ws message', { error: String(error).slice(0, 500) });
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            }
          }),
      },
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      clearInterval(keepAlive);
      void closed(code, String(reason));
    });
  });

  return {
    subscriptions: () => open,
    async close() {
      for (const client of wss.clients) client.close(1001, 'Going away');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
