/**
 * How long the server takes to refuse fragment bombs (issue 8, item 1: spreads that fan out level by level
 * and end in an unknown fragment, a cycle or a costly field), over HTTP and graphql-ws, against answering
 * `{ __typename }` on the same path in the same run. Every document is salted so yoga's parse cache can't
 * answer for it. Goal: each refusal ≤ 50 ms (it took 106–129 s for the 26-level document before).
 */
import { parse } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { checkQueryLimits, scanTokens } from '../apps/server/src/http/limits.js';
import { bombVariations, fragmentBomb } from '../apps/server/test/support/fragment-bombs.js';
import { percentile, startBenchApp } from './support/bench-app.js';

const rounds = 30;

const bench = await startBenchApp();
const client = createClient({
  url: `${bench.url.replace('http', 'ws')}/graphql`,
  webSocketImpl: WebSocket,
  retryAttempts: 0,
});
try {
  async function overHttp(query: string) {
    const started = performance.now();
    const response = await fetch(`${bench.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
    return { ms: performance.now() - started, refused: response.status === 400 && !body.data };
  }
  function overWebSocket(query: string) {
    const started = performance.now();
    return new Promise<{ ms: number; refused: boolean }>((resolve, reject) => {
      client.subscribe(
        { query },
        {
          next: (result) => resolve({ ms: performance.now() - started, refused: !result.data }),
          error: (errors) =>
            Array.isArray(errors) ? resolve({ ms: performance.now() - started, refused: true }) : reject(errors),
          complete: () => {},
        },
      );
    });
  }

  // Warm up both paths (JIT, connection, socket).
  for (let i = 0; i < 20; i++) {
    await overHttp(`{ __typename } # warm ${i}`);
    await overWebSocket(`{ __typename } # warm ${i}`);
    await overHttp(fragmentBomb(26, 2, 'unknown', `warm ${i}`).query);
  }

  const baseline = { http: [] as number[], ws: [] as number[] };
  const issueDocument = { http: [] as number[], ws: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    baseline.http.push((await overHttp(`{ __typename } # round ${round}`)).ms);
    baseline.ws.push((await overWebSocket(`{ __typename } # round ${round}`)).ms);
    const bomb = fragmentBomb(26, 2, 'unknown', `round ${round}`).query;
    for (const [path, outcome] of [
      ['http', await overHttp(bomb)],
      ['ws', await overWebSocket(bomb)],
    ] as const) {
      if (!outcome.refused) throw new Error(`the 26-level document was answered over ${path}`);
      issueDocument[path].push(outcome.ms);
    }
  }
  const variations = bombVariations(100, 2026);
  const variationMs: number[] = [];
  for (const [index, bomb] of variations.entries()) {
    const outcome = index % 2 === 0 ? await overHttp(bomb.query) : await overWebSocket(bomb.query);
    if (!outcome.refused) throw new Error(`variation ${index} (${bomb.levels} levels, ${bomb.end}) was answered`);
    variationMs.push(outcome.ms);
  }

  // The check alone, in process (no network, no other work): what a refusal costs the main thread.
  const checkMs = [fragmentBomb(26, 2, 'unknown'), ...variations].map((bomb) => {
    const started = performance.now();
    try {
      scanTokens(bomb.query);
      checkQueryLimits(parse(bomb.query));
    } catch {
      return performance.now() - started;
    }
    throw new Error(`a ${bomb.levels}-level bomb passed the limits`);
  });

  const median = (values: number[]) => percentile(values, 50);
  const httpRatio = median(issueDocument.http) / median(baseline.http);
  const wsRatio = median(issueDocument.ws) / median(baseline.ws);
  console.log(`database: ${bench.app.database.kind}; ${rounds} rounds, medians (max)`);
  console.log(
    `{ __typename } answered:           HTTP ${median(baseline.http).toFixed(2)} ms (${Math.max(...baseline.http).toFixed(1)}), graphql-ws ${median(baseline.ws).toFixed(2)} ms (${Math.max(...baseline.ws).toFixed(1)})`,
  );
  console.log(
    `26-level document refused:         HTTP ${median(issueDocument.http).toFixed(2)} ms (${Math.max(...issueDocument.http).toFixed(1)}), graphql-ws ${median(issueDocument.ws).toFixed(2)} ms (${Math.max(...issueDocument.ws).toFixed(1)}) (goal <= 50 ms)`,
  );
  console.log(
    `100 variations refused:            median ${median(variationMs).toFixed(2)} ms, p95 ${percentile(variationMs, 95).toFixed(1)} ms, max ${Math.max(...variationMs).toFixed(1)} ms (goal <= 50 ms each)`,
  );
  console.log(
    `limits check alone (in process):  median ${median(checkMs).toFixed(3)} ms, p95 ${percentile(checkMs, 95).toFixed(3)} ms, max ${Math.max(...checkMs).toFixed(2)} ms over 101 bombs`,
  );
  console.log(`ratio refusal/baseline: HTTP ${httpRatio.toFixed(2)}, graphql-ws ${wsRatio.toFixed(2)}`);
  console.log(`fragment_bomb_http_ms=${median(issueDocument.http).toFixed(2)}`);
  console.log(`fragment_bomb_ws_ms=${median(issueDocument.ws).toFixed(2)}`);
  console.log(`fragment_bomb_variations_max_ms=${Math.max(...variationMs).toFixed(2)}`);
  console.log(`fragment_bomb_check_max_ms=${Math.max(...checkMs).toFixed(3)}`);
  console.log(`fragment_bomb_http_ratio_vs_typename=${httpRatio.toFixed(3)}`);
  console.log(`fragment_bomb_ws_ratio_vs_typename=${wsRatio.toFixed(3)}`);
} finally {
  await client.dispose();
  await bench.stop();
}
