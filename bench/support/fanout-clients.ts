/**
 * The subscribers of bench/subscription-fanout.ts, in a process of their own (as dashboards are elsewhere):
 * N plain `ws` sockets that either speak graphql-ws (connection_init, subscribe) to DeviceVault or just listen
 * to a bare broadcast. Every received `next` is timestamped by its `jobId:seq`; the parent gets them at the end.
 */
import WebSocket from 'ws';

interface Start {
  url: string;
  count: number;
  /** graphql-ws: the operation to subscribe to, and the Bearer token; null for a bare broadcast. */
  graphql: { query: string; authorization: string } | null;
}

const received = new Map<string, number[]>();
const counts: number[] = [];
const sockets: WebSocket[] = [];

function onMessage(index: number, data: WebSocket.RawData) {
  const now = Date.now();
  const message = JSON.parse(String(data)) as {
    type: string;
    payload?: { data?: { jobEvents?: { jobId: string; seq: number } } };
  };
  if (message.type === 'connection_ack') {
    sockets[index]!.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: start!.graphql!.query } }));
    ready();
    return;
  }
  const line = message.payload?.data?.jobEvents;
  if (message.type !== 'next' || !line) return;
  const key = `${line.jobId}:${line.seq}`;
  let times = received.get(key);
  if (!times) {
    times = [];
    received.set(key, times);
  }
  times.push(now);
  counts[index]!++;
}

let start: Start | null = null;
let readyCount = 0;
function ready() {
  readyCount++;
  if (readyCount === start!.count) process.send!({ type: 'ready' });
}

process.on('message', (message: { type: 'start'; start: Start } | { type: 'count' } | { type: 'finish' }) => {
  if (message.type === 'count') {
    process.send!({ type: 'count', total: counts.reduce((sum, count) => sum + count, 0) });
    return;
  }
  if (message.type === 'start') {
    start = message.start;
    for (let i = 0; i < start.count; i++) {
      counts.push(0);
      const socket = new WebSocket(start.url, start.graphql ? 'graphql-transport-ws' : undefined);
      sockets.push(socket);
      socket.on('message', (data) => onMessage(i, data));
      socket.on('error', (error) => console.error('subscriber socket error', String(error)));
      socket.once('open', () => {
        if (start!.graphql)
          socket.send(
            JSON.stringify({ type: 'connection_init', payload: { authorization: start!.graphql.authorization } }),
          );
        else ready();
      });
    }
    return;
  }
  for (const socket of sockets) socket.terminate();
  process.send!({ type: 'result', counts, received: Object.fromEntries(received) }, () => process.exit(0));
});
