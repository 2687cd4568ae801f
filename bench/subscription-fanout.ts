/**
 * Fan-out (issue 12 item 6): 1,000 graphql-ws subscribers (signed in as one viewer of the devices' group) on
 * `jobEvents` while 50 jobs run. Each event's latency runs from the line's own timestamp (when the server
 * made it) to its arrival at a subscriber; every subscriber must receive every line. Beside it, a bare `ws`
 * server broadcasts the same payloads with the same timing to 1,000 plain sockets, each line's latency from
 * when it was due: the ratio of the p99s says what DeviceVault adds over the network itself. Goal: p99 ≤ 100 ms on PostgreSQL, ≤ 250 ms on PGlite.
 * The subscribers run in child processes (bench/support/fanout-clients.ts), as dashboards run elsewhere.
 * `DATABASE_URL=… node --conditions=source --import tsx bench/subscription-fanout.ts` for PostgreSQL.
 */
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Listenable } from '@devicevault/schema/direct-delivery';
import { WebSocketServer } from 'ws';
import { startBenchApp } from './support/bench-app.js';

// `--subscribers=N --jobs=N` for smaller runs while investigating.
const argument = (name: string, fallback: number) =>
  Number(process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const subscriberCount = argument('subscribers', 1000);
const jobCount = argument('jobs', 50);
// Subscribers may be spread over several processes (`--client-processes=N`); on 2 cores one is best, as the
// clients only timestamp what arrives (see fanout-clients.ts) and a second process competes with the server.
const clientProcesses = argument('client-processes', 1);
const clientScript = fileURLToPath(new URL('./support/fanout-clients.ts', import.meta.url));

interface Line {
  jobId: string;
  seq: number;
  status: string;
  at: string;
}

interface Received {
  counts: number[];
  received: Record<string, number[]>;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Starts the subscriber processes; `finish` collects what every subscriber received. */
async function startClients(url: string, graphql: { query: string; authorization: string } | null) {
  const children = Array.from({ length: clientProcesses }, (_, index) => {
    const count = Math.floor(subscriberCount / clientProcesses) + (index < subscriberCount % clientProcesses ? 1 : 0);
    return startClientProcess(url, graphql, count);
  });
  const started = await Promise.all(children);
  return {
    /** Waits (up to a minute) until the subscribers together received `expected` messages. */
    async drained(expected: number) {
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
        const totals = await Promise.all(started.map((child) => child.count()));
        if (totals.reduce((sum, total) => sum + total, 0) >= expected) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async finish(): Promise<Received> {
      const parts = await Promise.all(started.map((child) => child.finish()));
      const received: Record<string, number[]> = {};
      for (const part of parts)
        for (const [key, times] of Object.entries(part.received)) received[key] = [...(received[key] ?? []), ...times];
      return { counts: parts.flatMap((part) => part.counts), received };
    },
  };
}

async function startClientProcess(
  url: string,
  graphql: { query: string; authorization: string } | null,
  count: number,
) {
  const child = fork(clientScript, [], { execArgv: ['--conditions=source', '--import', 'tsx'] });
  // A subscriber process that dies (its server refused it) would otherwise leave this one waiting forever.
  child.once('exit', (code) => {
    if (code !== null && code !== 0) throw new Error(`a subscriber process exited with ${code}`);
  });
  const messages: ((message: { type: string }) => void)[] = [];
  child.on('message', (message: { type: string }) => {
    for (const listener of messages) listener(message);
  });
  const next = (type: string) =>
    new Promise<unknown>((resolve) => {
      const listener = (message: { type: string }) => {
        if (message.type !== type) return;
        messages.splice(messages.indexOf(listener), 1);
        resolve(message);
      };
      messages.push(listener);
    });
  const readyNow = next('ready');
  child.send({ type: 'start', start: { url, count, graphql } });
  await readyNow;
  return {
    async count() {
      const counted = next('count');
      child.send({ type: 'count' });
      return ((await counted) as { total: number }).total;
    },
    async finish(): Promise<Received> {
      const result = next('result');
      child.send({ type: 'finish' });
      return (await result) as Received;
    },
  };
}

async function deviceVaultRun() {
  const bench = await startBenchApp({ workers: 2 });
  try {
    const group = await bench.gql(
      'mutation { createDeviceGroup(input: { name: "fanout" }) { ... on CreateDeviceGroupSuccess { deviceGroup { id } } } }',
    );
    const groupId = group.data.createDeviceGroup.deviceGroup.id as string;
    const deviceIds: string[] = [];
    for (let i = 0; i < jobCount; i++) {
      const created = await bench.gql(
        'mutation ($input: CreateDeviceInput!) { createDevice(input: $input) { ... on CreateDeviceSuccess { device { id } } } }',
        { input: { name: `fan-${i}`, host: '127.0.0.1', pluginKey: 'noop', deviceGroupId: groupId } },
      );
      deviceIds.push(created.data.createDevice.device.id);
    }
    await bench.gql('mutation ($input: CreateUserInput!) { createUser(input: $input) { __typename } }', {
      input: { username: 'fan-viewer', password: 'fan-viewer-password', role: 'viewer', deviceGroupIds: [groupId] },
    });
    const login = await fetch(`${bench.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query:
          'mutation { login(input: { username: "fan-viewer", password: "fan-viewer-password" }) { ... on LoginSuccess { token } } }',
      }),
    });
    const viewerToken = ((await login.json()) as { data: { login: { token: string } } }).data.login.token;
    // When each line reached this process's pubsub: splits its latency into the job path (line made →
    // published, database writes included) and the fan-out (published → subscriber). Subscribed before the
    // subscribers and listening synchronously, so it sees each line before the fan-out delivers it.
    const publishedAt = new Map<string, number>();
    const lines: Line[] = [];
    const tap = bench.app.pubsub.subscribe('jobEvents') as unknown as Listenable<Line> & AsyncIterable<Line>;
    tap.listen((event) => {
      publishedAt.set(`${event.jobId}:${event.seq}`, Date.now());
      lines.push(event);
    });
    const clients = await startClients(`${bench.url.replace('http', 'ws')}/graphql`, {
      query: 'subscription { jobEvents { jobId seq status at } }',
      authorization: `Bearer ${viewerToken}`,
    });
    // Let every subscription reach the server's pubsub before the jobs start.
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const started = Date.now();
    await bench.gql('mutation ($input: TriggerBackupInput!) { triggerBackup(input: $input) { __typename } }', {
      input: { deviceIds },
    });
    for (const deadline = Date.now() + 10 * 60_000; Date.now() < deadline; ) {
      if (lines.filter((line) => line.status === 'succeeded' || line.status === 'failed').length >= jobCount) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await clients.drained(lines.length * subscriberCount);
    const result = await clients.finish();
    const elapsedMs = Date.now() - started;
    await tap.return();
    const latencies: number[] = [];
    const fanOut: number[] = [];
    const fanOutBy = new Map<string, number[]>();
    for (const line of lines) {
      const key = `${line.jobId}:${line.seq}`;
      for (const at of result.received[key] ?? []) {
        latencies.push(at - Date.parse(line.at));
        fanOut.push(at - publishedAt.get(key)!);
        if (!fanOutBy.has(line.status)) fanOutBy.set(line.status, []);
        fanOutBy.get(line.status)!.push(at - publishedAt.get(key)!);
      }
    }
    const jobPath = lines.map((line) => publishedAt.get(`${line.jobId}:${line.seq}`)! - Date.parse(line.at));
    const missing = result.counts.filter((count) => count < lines.length).length;
    return {
      latencies,
      fanOut,
      fanOutBy,
      jobPath,
      lines,
      publishedAt,
      missing,
      elapsedMs,
      database: bench.app.database.kind,
    };
  } finally {
    await bench.stop();
  }
}

/** The same payloads with the timing DeviceVault published them at, broadcast by a bare ws server to plain sockets. */
async function bareWsRun(lines: Line[], publishedAt: Map<string, number>) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  const clients = await startClients(`ws://127.0.0.1:${port}`, null);
  const timeOf = (line: Line) => publishedAt.get(`${line.jobId}:${line.seq}`)!;
  const origin = timeOf(lines[0]!);
  const start = Date.now();
  const sentAt = new Map<string, number>();
  for (const line of lines) {
    const due = start + (timeOf(line) - origin);
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // Latency from when the line was due, as DeviceVault's runs from when it was published: the 50th line of
    // a burst waits for the 49 before it here too (from its own send it looked 30x faster than it is).
    sentAt.set(`${line.jobId}:${line.seq}`, due);
    const payload = JSON.stringify({ id: '1', type: 'next', payload: { data: { jobEvents: line } } });
    for (const client of server.clients) client.send(payload);
  }
  await clients.drained(lines.length * subscriberCount);
  const result = await clients.finish();
  await new Promise((resolve) => server.close(resolve));
  const latencies = Object.entries(result.received).flatMap(([key, times]) => times.map((at) => at - sentAt.get(key)!));
  return { latencies, missing: result.counts.filter((count) => count < lines.length).length };
}

const run = await deviceVaultRun();
const bare = await bareWsRun(run.lines, run.publishedAt);
const ms = (value: number) => `${value.toFixed(0)} ms`;
const p99 = percentile(run.latencies, 99);
const bareP99 = percentile(bare.latencies, 99);
const queued = run.lines.filter((line) => line.status === 'queued').length;
console.log(
  `${subscriberCount} subscribers (in ${clientProcesses} processes) × ${run.lines.length} events of ${jobCount} jobs (${queued} queued lines) on ${run.database}: ` +
    `p50 ${ms(percentile(run.latencies, 50))}, p99 ${ms(p99)}, max ${ms(run.latencies.reduce((a, b) => Math.max(a, b), 0))}; ` +
    `${run.missing} subscribers missed an event; ${run.latencies.length} deliveries in ${(run.elapsedMs / 1000).toFixed(1)} s`,
);
console.log(
  `of which line made → published (job path, database writes): p50 ${ms(percentile(run.jobPath, 50))}, p99 ${ms(percentile(run.jobPath, 99))}; ` +
    `published → subscriber (fan-out): p50 ${ms(percentile(run.fanOut, 50))}, p99 ${ms(percentile(run.fanOut, 99))}`,
);
const statuses = [...new Set(run.lines.map((line) => line.status))];
console.log(
  `fan-out p99 by line: ${statuses
    .map((status) => `${status} ${ms(percentile(run.fanOutBy.get(status) ?? [], 99))}`)
    .join(', ')}`,
);
console.log(
  `job path p99 by line: ${statuses
    .map((status) => {
      const of = run.lines.filter((line) => line.status === status);
      return `${status} ${ms(
        percentile(
          of.map((line) => run.publishedAt.get(`${line.jobId}:${line.seq}`)! - Date.parse(line.at)),
          99,
        ),
      )}`;
    })
    .join(', ')}`,
);
console.log(
  `bare ws broadcast of the same payloads: p50 ${ms(percentile(bare.latencies, 50))}, p99 ${ms(bareP99)}; ${bare.missing} missed`,
);
const goal = run.database === 'postgres' ? 100 : 250;
const fanOutP99 = percentile(run.fanOut, 99);
console.log(
  `fan-out p99 ratio DeviceVault (published → subscriber) / bare ws: ${(fanOutP99 / Math.max(1, bareP99)).toFixed(2)}`,
);
console.log(
  `p99 ratio DeviceVault (line made → subscriber) / bare ws: ${(p99 / Math.max(1, bareP99)).toFixed(2)}; goal p99 ≤ ${goal} ms: ${p99 <= goal && run.missing === 0 ? 'met' : 'NOT met'}`,
);
process.exit(0);
