/**
 * A load generator in a process of its own, so the clients' CPU (fetch, JSON parsing) is never taken from
 * the server being measured. Usage:
 *   load-client.ts http <graphql url> <bearer token> <query> <clients> <rounds>
 *   load-client.ts sql <postgres url> <sql> <clients> <rounds>
 * Prints one JSON line: { times: number[] (ms per request), elapsedMs }.
 */
import postgres from 'postgres';

const [mode, ...rest] = process.argv.slice(2);
let request: () => Promise<void>;
let clients: number;
let rounds: number;
let close = async () => {};
if (mode === 'http') {
  const [url, token, query, clientCount, roundCount] = rest as [string, string, string, string, string];
  clients = Number(clientCount);
  rounds = Number(roundCount);
  const body = JSON.stringify({ query });
  request = async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    const answer = (await response.json()) as { errors?: unknown };
    if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  };
} else if (mode === 'sql') {
  const [url, text, clientCount, roundCount] = rest as [string, string, string, string];
  clients = Number(clientCount);
  rounds = Number(roundCount);
  const sql = postgres(url, { max: 10, onnotice: () => {} });
  request = async () => {
    JSON.stringify(await sql.unsafe(text));
  };
  close = () => sql.end();
} else {
  throw new Error('usage: load-client.ts http|sql …');
}

// One warm-up round per client, then the measured ones.
await Promise.all(Array.from({ length: clients }, () => request()));
const times: number[] = [];
const started = performance.now();
await Promise.all(
  Array.from({ length: clients }, async () => {
    for (let i = 0; i < rounds; i += 1) {
      const begun = performance.now();
      await request();
      times.push(performance.now() - begun);
    }
  }),
);
const elapsedMs = performance.now() - started;
await close();
process.stdout.write(`${JSON.stringify({ times, elapsedMs })}\n`);
