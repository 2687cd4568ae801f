/**
 * Fan-out cost of a burst (issue 12 item 6), apart from any job: 1,000 graphql-ws subscribers on `jobEvents`
 * (one viewer of the events' group), 50 events published in one tick (a group's `queued` lines), six rounds;
 * then the same 50 x 1,000 sends from a bare `ws` server (one `send` per socket per event). Prints per round
 * the server's synchronous time, the time until every subscriber had every event, and the server's CPU per
 * delivery, for both. The subscribers run in one child process (bench/support/fanout-clients.ts), which only
 * timestamps what arrives, so "all received" is the server's and the network's time.
 *   node --conditions=source --import tsx bench/fanout-burst.ts   (DATABASE_URL=… for PostgreSQL)
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { startBenchApp } from './support/bench-app.js';

const clientScript = fileURLToPath(new URL('./support/fanout-clients.ts', import.meta.url));
const subscriberCount = 1000;
const burst = 50;
type Message = { type: string; total?: number };
type Subscribers = Awaited<ReturnType<typeof startSubscribers>>;

/** The subscriber process: graphql-ws subscribers when `graphql` is given, plain sockets otherwise. */
async function startSubscribers(url: string, graphql: { query: string; authorization: string } | null) {
  const child = fork(clientScript, [], { execArgv: ['--conditions=source', '--import', 'tsx'] });
  // A subscriber process that dies (its server refused it) would otherwise leave this one waiting forever.
  child.once('exit', (code) => {
    if (code !== null && code !== 0) throw new Error(`a subscriber process exited with ${code}`);
  });
  const listeners: ((message: Message) => void)[] = [];
  child.on('message', (message: Message) => {
    for (const listener of listeners) listener(message);
  });
  const next = (type: string) =>
    new Promise<Message>((resolve) => {
      const listener = (message: Message) => {
        if (message.type !== type) return;
        listeners.splice(listeners.indexOf(listener), 1);
        resolve(message);
      };
      listeners.push(listener);
    });
  const ready = next('ready');
  child.send({ type: 'start', start: { url, count: subscriberCount, graphql } });
  await ready;
  return {
    async total() {
      const c = next('count');
      child.send({ type: 'count' });
      return (await c).total as number;
    },
    kill: () => child.kill(),
  };
}
async function waitTotal(c: Subscribers, n: number) {
  for (;;) {
    if ((await c.total()) >= n) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}
const bench = await startBenchApp({ workers: 1 });
const g = await bench.gql(
  'mutation { createDeviceGroup(input: { name: "b" }) { ... on CreateDeviceGroupSuccess { deviceGroup { id } } } }',
);
const groupId = g.data.createDeviceGroup.deviceGroup.id;
await bench.gql('mutation ($input: CreateUserInput!) { createUser(input: $input) { __typename } }', {
  input: { username: 'v', password: 'viewer-password-1', role: 'viewer', deviceGroupIds: [groupId] },
});
const login = await fetch(`${bench.url}/graphql`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    query:
      'mutation { login(input: { username: "v", password: "viewer-password-1" }) { ... on LoginSuccess { token } } }',
  }),
});
const tok = ((await login.json()) as { data: { login: { token: string } } }).data.login.token;
const c = await startSubscribers(`${bench.url.replace('http', 'ws')}/graphql`, {
  query: 'subscription { jobEvents { jobId seq status at } }',
  authorization: `Bearer ${tok}`,
});
await new Promise((r) => setTimeout(r, 1500));
let expected = 0;
const deviceId = randomUUID();
// The group rides on the event as the runner's and the enqueue's events carry it.
for (let round = 0; round < 6; round++) {
  const cpu = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < burst; i++)
    bench.app.pubsub.publish('jobEvents', {
      seq: round,
      at: new Date().toISOString(),
      status: 'queued',
      message: 'Queued by bench',
      jobId: randomUUID(),
      deviceId,
      deviceGroupId: groupId,
      deviceGroupAt: Date.now(),
    });
  const sync = performance.now() - t;
  expected += burst * subscriberCount;
  await waitTotal(c, expected);
  const u = process.cpuUsage(cpu);
  console.log(
    `dv burst ${round}: sync ${sync.toFixed(0)} ms, all received ${(performance.now() - t).toFixed(0)} ms, cpu ${((u.user + u.system) / 1000).toFixed(0)} ms = ${((u.user + u.system) / (burst * subscriberCount)).toFixed(2)} µs/delivery`,
  );
  await new Promise((r) => setTimeout(r, 300));
}
c.kill();
await bench.stop();
const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
await new Promise((r) => server.once('listening', r));
const bc = await startSubscribers(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, null);
expected = 0;
for (let round = 0; round < 6; round++) {
  const cpu = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < burst; i++) {
    const p = JSON.stringify({
      id: '1',
      type: 'next',
      payload: {
        data: { jobEvents: { jobId: randomUUID(), seq: round, status: 'queued', at: new Date().toISOString() } },
      },
    });
    for (const s of server.clients) s.send(p);
  }
  const sync = performance.now() - t;
  expected += burst * subscriberCount;
  await waitTotal(bc, expected);
  const u = process.cpuUsage(cpu);
  console.log(
    `bare burst ${round}: sync ${sync.toFixed(0)} ms, all received ${(performance.now() - t).toFixed(0)} ms, cpu ${((u.user + u.system) / 1000).toFixed(0)} ms = ${((u.user + u.system) / (burst * subscriberCount)).toFixed(2)} µs/delivery`,
  );
  await new Promise((r) => setTimeout(r, 300));
}
bc.kill();
server.close();
process.exit(0);
