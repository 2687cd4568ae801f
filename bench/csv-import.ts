/**
 * CSV import of 10,000 devices through the GraphQL mutation (HTTP, parse, validate, chunked multi-row
 * INSERTs in one transaction) against a plain multi-row INSERT of the same rows in one transaction, on the
 * same server and database in one run. PGlite unless DATABASE_URL is set.
 * Run: node --conditions=source --import tsx bench/csv-import.ts
 */

import { createCollectionGroup, createDeviceGroup } from '../apps/server/test/support/api-builders.js';
import { createCredential } from '../apps/server/test/support/builders.js';
import { startTestServer } from '../apps/server/test/support/test-server.js';
import { devices } from '../packages/schema/src/db/tables.js';

const rowCount = 10_000;
const chunkRows = 1000;

const server = await startTestServer({ logLevel: 'silent' });
try {
  const credential = await createCredential(server, { name: 'bench-cred', username: 'u', secret: 'p' });
  const deviceGroup = await createDeviceGroup(server, 'bench-group');
  const collectionGroup = await createCollectionGroup(server, 'bench-collect');
  const rows = Array.from({ length: rowCount }, (_, index) => ({
    host: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`,
    port: 22,
    pluginKey: 'cisco_ios',
    enabled: true,
  }));

  // Baseline: the same rows, already resolved to ids, as plain multi-row INSERTs in one transaction.
  const baselineStart = performance.now();
  await server.app.database.db.transaction(async (tx) => {
    for (let start = 0; start < rows.length; start += chunkRows) {
      await tx.insert(devices).values(
        rows.slice(start, start + chunkRows).map((row, offset) => ({
          ...row,
          name: `baseline-${start + offset}`,
          credentialId: credential.id,
          deviceGroupId: deviceGroup.id,
          collectionGroupId: collectionGroup.id,
        })),
      );
    }
  });
  const baselineMs = performance.now() - baselineStart;

  const csv = [
    'name,host,port,pluginKey,credential,deviceGroup,collectionGroup,enabled',
    ...rows.map(
      (row, index) =>
        `csv-${index},${row.host},${row.port},${row.pluginKey},${credential.name},${deviceGroup.name},${collectionGroup.name},true`,
    ),
  ].join('\n');
  const importStart = performance.now();
  const result = await server.gql(
    `mutation ($input: ImportDevicesCsvInput!) {
      importDevicesCsv(input: $input) { __typename ... on ImportDevicesCsvSuccess { createdCount invalidRowCount } }
    }`,
    { input: { csv } },
  );
  const importMs = performance.now() - importStart;
  const payload = result.data?.importDevicesCsv;
  if (payload?.createdCount !== rowCount) throw new Error(`import failed: ${JSON.stringify(result)}`);

  console.log(
    `database=${server.app.database.kind} rows=${rowCount} csv_import_ms=${importMs.toFixed(0)} baseline_insert_ms=${baselineMs.toFixed(0)} ratio=${(importMs / baselineMs).toFixed(2)}`,
  );
} finally {
  await server.stop();
}
