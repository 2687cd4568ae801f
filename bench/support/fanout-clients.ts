/**
 * The subscribers of bench/subscription-fanout.ts, in processes of their own (as dashboards are elsewhere):
 * N WebSockets that either speak graphql-ws (connection_init, subscribe) to DeviceVault or just listen to a
 * bare broadcast. Hand-rolled on raw sockets rather than `ws` clients because the harness must not be the
 * bottleneck: a thousand `ws` clients in one process spend more CPU parsing frames than the server spends
 * sending them, and every frame's timestamp then measured that process's backlog. Here each received chunk is
 * only timestamped and kept (frame headers are walked to answer pings and count frames); the frames are parsed with ws's own
 * Receiver after the run, each `next` timed by the chunk that completed it.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { Receiver } from 'ws';

interface Start {
  url: string;
  count: number;
  /** graphql-ws: the operation to subscribe to, and the Bearer token; null for a bare broadcast. */
  graphql: { query: string; authorization: string } | null;
}

interface Subscriber {
  socket: Socket;
  /** Chunks received once subscribed, with when each arrived. */
  chunks: { at: number; data: Buffer }[];
  walker: FrameWalker;
}

/** A masked text (or pong) frame from client to server, as RFC 6455 requires of clients. */
function clientFrame(payload: Buffer, opcode = 0x1): Buffer {
  const length = payload.length;
  const extended = length < 126 ? 0 : length < 65_536 ? 2 : 8;
  const frame = Buffer.alloc(2 + extended + 4 + length);
  frame[0] = 0x80 | opcode;
  frame[1] = 0x80 | (extended === 0 ? length : extended === 2 ? 126 : 127);
  if (extended === 2) frame.writeUInt16BE(length, 2);
  if (extended === 8) frame.writeBigUInt64BE(BigInt(length), 2);
  const mask = randomBytes(4);
  mask.copy(frame, 2 + extended);
  for (let i = 0; i < length; i++) frame[2 + extended + 4 + i] = payload[i]! ^ mask[i % 4]!;
  return frame;
}

/** Follows frame boundaries of an unmasked server stream without decoding payloads; calls `ping` per ping. */
class FrameWalker {
  private header: number[] = [];
  private remaining = 0;
  /** Text frames seen so far (the parent's "drained" check). */
  textFrames = 0;
  constructor(private readonly ping: () => void) {}

  walk(chunk: Buffer) {
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - i);
        i += take;
        this.remaining -= take;
        continue;
      }
      this.header.push(chunk[i++]!);
      if (this.header.length < 2) continue;
      const code = this.header[1]! & 0x7f;
      const size = 2 + (code === 126 ? 2 : code === 127 ? 8 : 0);
      if (this.header.length < size) continue;
      const bytes = Buffer.from(this.header);
      this.remaining = code === 126 ? bytes.readUInt16BE(2) : code === 127 ? Number(bytes.readBigUInt64BE(2)) : code;
      const opcode = this.header[0]! & 0x0f;
      if (opcode === 0x9) this.ping();
      if (opcode === 0x1) this.textFrames++;
      this.header = [];
    }
  }
}

function connect(url: string, protocol: string | undefined): Promise<{ socket: Socket; head: Buffer }> {
  const target = new URL(url.replace(/^ws/, 'http'));
  return new Promise((resolve, reject) => {
    const upgrade = request({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...(protocol ? { 'sec-websocket-protocol': protocol } : {}),
      },
    });
    upgrade.on('upgrade', (_response, socket, head) => resolve({ socket, head }));
    upgrade.on('response', (response) => reject(new Error(`no upgrade: HTTP ${response.statusCode}`)));
    upgrade.on('error', reject);
    upgrade.end();
  });
}

const sendText = (socket: Socket, value: unknown) => socket.write(clientFrame(Buffer.from(JSON.stringify(value))));

/** Opens one subscriber; resolves once it is subscribed (graphql-ws) or connected (bare). */
async function open(start: Start): Promise<Subscriber> {
  const { socket, head } = await connect(start.url, start.graphql ? 'graphql-transport-ws' : undefined);
  socket.setNoDelay(true);
  const subscriber: Subscriber = {
    socket,
    chunks: [],
    walker: new FrameWalker(() => socket.write(clientFrame(Buffer.alloc(0), 0xa))),
  };
  const record = (data: Buffer) => {
    subscriber.chunks.push({ at: Date.now(), data });
    subscriber.walker.walk(data);
  };
  socket.on('error', (error) => console.error('subscriber socket error', String(error)));
  if (!start.graphql) {
    if (head.length > 0) record(head);
    socket.on('data', record);
    return subscriber;
  }
  // Until the server acknowledges the connection, frames are parsed as they come.
  const handshake = new Receiver();
  await new Promise<void>((resolve, reject) => {
    handshake.on('message', (data: Buffer) => {
      const message = JSON.parse(String(data)) as { type: string };
      if (message.type !== 'connection_ack') return reject(new Error(`unexpected ${message.type}`));
      socket.off('data', handshaking);
      socket.on('data', record);
      sendText(socket, { id: '1', type: 'subscribe', payload: { query: start.graphql!.query } });
      resolve();
    });
    const handshaking = (data: Buffer) => handshake.write(data);
    socket.on('data', handshaking);
    socket.once('close', () => reject(new Error('the server closed the socket before acknowledging it')));
    if (head.length > 0) handshake.write(head);
    sendText(socket, { type: 'connection_init', payload: { authorization: start.graphql!.authorization } });
  });
  return subscriber;
}

/** Every `next` a subscriber received, by `jobId:seq`, timed by the chunk that completed its frame. */
function arrivals(subscriber: Subscriber, into: Map<string, number[]>): number {
  const receiver = new Receiver();
  let at = 0;
  let count = 0;
  receiver.on('message', (data: Buffer) => {
    const message = JSON.parse(String(data)) as {
      type: string;
      payload?: { data?: { jobEvents?: { jobId: string; seq: number } } };
    };
    const line = message.payload?.data?.jobEvents;
    if (message.type !== 'next' || !line) return;
    const key = `${line.jobId}:${line.seq}`;
    let times = into.get(key);
    if (!times) {
      times = [];
      into.set(key, times);
    }
    times.push(at);
    count++;
  });
  receiver.on('error', () => {});
  for (const chunk of subscriber.chunks) {
    at = chunk.at;
    receiver.write(chunk.data);
  }
  return count;
}

let subscribers: Subscriber[] = [];

process.on('message', async (message: { type: 'start'; start: Start } | { type: 'count' } | { type: 'finish' }) => {
  if (message.type === 'start') {
    const start = message.start;
    // A few at a time: a thousand simultaneous handshakes overrun the listen backlog.
    for (let i = 0; i < start.count; i += 50)
      subscribers.push(
        ...(await Promise.all(Array.from({ length: Math.min(50, start.count - i) }, () => open(start)))),
      );
    process.send!({ type: 'ready' });
    return;
  }
  if (message.type === 'count') {
    process.send!({
      type: 'count',
      total: subscribers.reduce((sum, subscriber) => sum + subscriber.walker.textFrames, 0),
    });
    return;
  }
  for (const subscriber of subscribers) subscriber.socket.destroy();
  const received = new Map<string, number[]>();
  const counts = subscribers.map((subscriber) => arrivals(subscriber, received));
  subscribers = [];
  process.send!({ type: 'result', counts, received: Object.fromEntries(received) }, () => process.exit(0));
});
