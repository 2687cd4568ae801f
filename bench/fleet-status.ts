/**
 * Freshness over 10,000 devices in 10 collection groups: `fleetStatus` (every device's backup state computed in
 * SQL, grouped) and `devices(filter: { backupState: STALE }, first: 50)` through GraphQL, beside the same
 * run's `{ devices(first: 50) { … } }` without the filter and a `{ __typename }` round trip (ratios). PGlite
 * unless DATABASE_URL is set. Run: node --conditions=source --import tsx bench/fleet-status.ts
 */

import { eq } from 'drizzle-orm';
import { createCollectionGroup } from '../apps/server/test/support/api-builders.js';
import { startTestServer } from '../apps/server/test/support/test-server.js';
import { collectionGroups, devices } from '../packages/schema/src/db/tables.js';

const deviceCount = 10_000;
const rounds = 30;

const server = await startTestServer({ logLevel: 'silent' });
try {
  const groups = [];
  for (let i = 0; i < 10; i++) {
    const group = await createCollectionGroup(server, `bench-${i}`);
    await server.app.database.db
      .update(collectionGroups)
      .set({ freshnessSeconds: 3600 * (i + 1) })
      .where(eq(collectionGroups.id, group.id));
    groups.push(group.id);
  }
  const now = Date.now();
  for (let start = 0; start < deviceCount; start += 1000) {
    await server.app.database.db.insert(devices).values(
      Array.from({ length: 1000 }, (_, offset) => {
        const i = start + offset;
        return {
          name: `d-${i}`,
          host: '127.0.0.1',
          pluginKey: 'noop',
          collectionGroupId: groups[i % 10],
          lastSuccessAt: i % 7 === 0 ? null : new Date(now - (i % 48) * 3_600_000),
          lastFailureAt: i % 11 === 0 ? new Date(now) : null,
          enabled: i % 50 !== 0,
        };
      }),
    );
  }

  async function time(query: string): Promise<number> {
    await server.gql(query); // warm
    const samples: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      const result = await server.gql(query);
      samples.push(performance.now() - started);
      if (result.errors) throw new Error(JSON.stringify(result.errors));
    }
    samples.sort((a, b) => a - b);
    return samples[Math.floor(samples.length / 2)]!;
  }

  const ping = await time('{ __typename }');
  const page = await time('{ devices(first: 50) { edges { node { id name } } } }');
  const status = await time('{ fleetStatus { fresh stale failing never disabled total } }');
  const stale = await time(
    '{ devices(first: 50, filter: { backupState: STALE }) { edges { node { id backupState } } } }',
  );
  const counts = (await server.gql('{ fleetStatus { fresh stale failing never disabled total } }')).data.fleetStatus;
  console.log(
    `fleet of ${deviceCount} devices (${server.databaseUrl ? 'PostgreSQL' : 'PGlite'}): ${JSON.stringify(counts)}`,
  );
  console.log(`median of ${rounds}: { __typename } ${ping.toFixed(1)} ms, devices page ${page.toFixed(1)} ms`);
  console.log(`fleetStatus ${status.toFixed(1)} ms (${(status / page).toFixed(2)}× a devices page)`);
  console.log(`devices(filter: STALE) page ${stale.toFixed(1)} ms (${(stale / page).toFixed(2)}× a devices page)`);
} finally {
  await server.stop();
}
