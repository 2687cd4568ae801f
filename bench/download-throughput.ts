/**
 * Download throughput and memory: a 250 MB version streamed by the signed /downloads route versus the same
 * file from a plain Node static file server (createReadStream with 1 MiB reads → response) on loopback, both fetched by curl
 * in interleaved rounds of one run. Goals: ratio ≥ 0.8, server RSS flat (growth ≤ 64 MB).
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { backups, devices } from '@devicevault/schema/db/tables';
import { createStorageRegistry } from '../apps/server/src/storage/storage-registry.js';
import { writeRandomFile } from '../apps/server/test/support/storage-fixtures.js';
import { startBenchApp } from './support/bench-app.js';

const run = promisify(execFile);
const size = 250 * 1000 * 1000;
const rounds = 3;

async function curlSpeed(url: string): Promise<number> {
  const { stdout } = await run('curl', [
    '-s',
    '-f',
    '-o',
    '/dev/null',
    '-w',
    '%{speed_download} %{size_download}',
    url,
  ]);
  const [speed, bytes] = stdout.trim().split(' ').map(Number);
  if (bytes !== size) throw new Error(`downloaded ${bytes} bytes, expected ${size}`);
  return speed! / 1e6;
}

const bench = await startBenchApp();
try {
  const db = bench.app.database.db;
  const storage = createStorageRegistry({ db, dataDir: bench.dataDir });
  const source = join(bench.dataDir, 'artefact.bin');
  const sha256 = await writeRandomFile(source, size);
  const [device] = await db
    .insert(devices)
    .values({ name: 'bench-fw', host: '127.0.0.1', pluginKey: 'binary_dummy' })
    .returning();
  const { store, locationId } = await storage.forDevice(device!);
  const blobCopy = join(bench.dataDir, 'artefact-spool.bin');
  await run('cp', [source, blobCopy]);
  const stored = await store.put({
    spoolPath: blobCopy,
    sha256,
    size,
    deviceId: device!.id,
    deviceName: device!.name,
    jobId: 'bench',
    isBinary: true,
  });
  const [backup] = await db
    .insert(backups)
    .values({
      deviceId: device!.id,
      isBinary: true,
      sha256,
      size,
      storageKind: stored.kind,
      storageRef: stored.ref,
      storageLocationId: locationId,
      changed: true,
    })
    .returning();
  const blobPath = join(bench.dataDir, 'blobs', sha256.slice(0, 2), sha256.slice(2, 4), sha256);

  const staticServer = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
    // 1 MiB reads, like our store: a stronger baseline than the 64 KiB default.
    createReadStream(blobPath, { highWaterMark: 1024 * 1024 }).pipe(response);
  });
  await new Promise<void>((resolve) => staticServer.listen(0, '127.0.0.1', resolve));
  const staticUrl = `http://127.0.0.1:${(staticServer.address() as AddressInfo).port}/artefact.bin`;

  const oursRuns: number[] = [];
  const staticRuns: number[] = [];
  let growthMb = 0;
  for (let round = 0; round < rounds; round++) {
    staticRuns.push(await curlSpeed(staticUrl));
    const result = await bench.gql(`query ($id: ID!) { backup(id: $id) { downloadUrl } }`, { id: backup!.id });
    const url = (result.data as { backup: { downloadUrl: string } }).backup.downloadUrl;
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    oursRuns.push(await curlSpeed(url));
    clearInterval(sampler);
    growthMb = Math.max(growthMb, (peak - before) / (1024 * 1024));
  }
  staticServer.close();

  const ours = Math.max(...oursRuns);
  const baseline = Math.max(...staticRuns);
  const list = (runs: number[]) => runs.map((r) => r.toFixed(0)).join(', ');
  console.log(`file: ${size / 1e6} MB on 127.0.0.1, ${rounds} interleaved rounds, client: curl`);
  console.log(
    `static file server (Node, 1 MiB reads):     best ${baseline.toFixed(1)} MB/s (runs: ${list(staticRuns)})`,
  );
  console.log(`DeviceVault /downloads (fs store):         best ${ours.toFixed(1)} MB/s (runs: ${list(oursRuns)})`);
  console.log(`ratio ours/static: ${(ours / baseline).toFixed(2)} (goal >= 0.8)`);
  console.log(`peak server RSS growth during our downloads: ${growthMb.toFixed(1)} MB (goal <= 64, flat)`);
  console.log(`download_throughput_ratio=${(ours / baseline).toFixed(3)}`);
  console.log(`download_rss_growth_mb=${growthMb.toFixed(1)}`);
} finally {
  await bench.stop();
}
