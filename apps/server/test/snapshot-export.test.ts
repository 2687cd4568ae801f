/**
 * Snapshot export: `configsExportUrl` signs a URL of `GET /exports/configs.zip`, which streams each readable
 * device's latest text version as of an instant as `configs/<device>.cfg`. Unzipped with Debian's `unzip`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { devices } from '@devicevault/schema/db/tables';
import { eq, sql } from 'drizzle-orm';
import { createDeviceGroup, createUserAndSignIn } from './support/api-builders.js';
import { createDevice } from './support/builders.js';
import { seedVersion } from './support/seed-versions.js';
import { startTestServer, type TestServer } from './support/test-server.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let server: TestServer;
let workDir: string;

before(async () => {
  server = await startTestServer();
  workDir = await mkdtemp(join(tmpdir(), 'dv-export-'));
});
after(async () => {
  await server?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function exportUrl(variables: { asOf?: string; deviceGroupId?: string }, token = server.adminToken) {
  const result = await server.gql(
    'query ($asOf: DateTime, $deviceGroupId: ID) { configsExportUrl(asOf: $asOf, deviceGroupId: $deviceGroupId) }',
    variables,
    token,
  );
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  return result.data.configsExportUrl as string | null;
}

/**
 * Fetches a zip to disk (streamed) on a fresh connection (a pooled keep-alive socket may be closed by the
 * server while the big test seeds) and returns its path.
 */
function download(url: string, name: string): Promise<{ status: number; path: string }> {
  const path = join(workDir, name);
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      const status = response.statusCode ?? 0;
      if (status !== 200) {
        response.resume();
        response.on('end', () => resolve({ status, path }));
        return;
      }
      pipeline(response, createWriteStream(path)).then(() => resolve({ status, path }), reject);
    }).on('error', reject);
  });
}

function listZip(path: string): string[] {
  // -Z1: names only, one a line.
  return execFileSync('unzip', ['-Z1', path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .filter(Boolean);
}

const entry = (path: string, name: string) => execFileSync('unzip', ['-p', path, name], { encoding: 'utf8' });

describe('snapshot export', () => {
  it('zips each readable device’s latest text version as of the instant, per group and per user', async () => {
    const groupA = await createDeviceGroup(server);
    const groupB = await createDeviceGroup(server);
    const router = await createDevice(server, { name: 'edge/rtr1', pluginKey: 'noop', deviceGroupId: groupA.id });
    const sw = await createDevice(server, { name: 'sw1', pluginKey: 'noop', deviceGroupId: groupB.id });
    const binary = await createDevice(server, { name: 'fw-binary', pluginKey: 'noop', deviceGroupId: groupA.id });
    const t1 = new Date(Date.now() - 3_600_000);
    const t2 = new Date(Date.now() - 1_800_000);
    await seedVersion(server, {
      deviceId: router.id,
      deviceName: router.name,
      bytes: 'hostname rtr1 v1\n',
      createdAt: t1,
    });
    await seedVersion(server, {
      deviceId: router.id,
      deviceName: router.name,
      bytes: 'hostname rtr1 v2\n',
      createdAt: t2,
    });
    await seedVersion(server, { deviceId: sw.id, deviceName: sw.name, bytes: 'hostname sw1\n', createdAt: t1 });
    await seedVersion(server, {
      deviceId: binary.id,
      deviceName: binary.name,
      bytes: Buffer.from([0, 1, 2]),
      isBinary: true,
      createdAt: t1,
    });
    const viewerB = await createUserAndSignIn(server, 'viewer', [groupB.id]);
    const between = new Date((t1.getTime() + t2.getTime()) / 2).toISOString();

    const now = await download((await exportUrl({ deviceGroupId: groupA.id }))!, 'a-now.zip');
    const then = await download((await exportUrl({ asOf: between })) ?? '', 'all-then.zip');
    const ofB = await download((await exportUrl({}, viewerB.token))!, 'b.zip');
    const refusedGroup = await exportUrl({ deviceGroupId: groupA.id }, viewerB.token);
    const moved = (await exportUrl({ asOf: between }))!.replace(
      encodeURIComponent(between),
      encodeURIComponent(new Date().toISOString()),
    );
    const tampered = await download(moved, 'tampered.zip');

    assert.deepEqual(listZip(now.path), ['configs/edge_rtr1.cfg']);
    assert.equal(entry(now.path, 'configs/edge_rtr1.cfg'), 'hostname rtr1 v2\n');
    const thenNames = listZip(then.path);
    assert.ok(thenNames.includes('configs/edge_rtr1.cfg') && thenNames.includes('configs/sw1.cfg'));
    assert.equal(thenNames.includes('configs/fw-binary.cfg'), false, 'binary versions are not configs');
    assert.equal(entry(then.path, 'configs/edge_rtr1.cfg'), 'hostname rtr1 v1\n');
    assert.deepEqual(listZip(ofB.path), ['configs/sw1.cfg']);
    assert.equal(refusedGroup, null);
    assert.equal(tampered.status, 403);
  });

  it('streams 10,000 devices with flat memory and unzips to exactly the expected files', async () => {
    const db = server.app.database.db;
    const group = await createDeviceGroup(server, 'bulk-export');
    const count = 10_000;
    // Signed before seeding: the client's pooled connection may be closed by the server during a long seed.
    const url = (await exportUrl({ deviceGroupId: group.id }))!;
    // ~10 KB of text per device, 100 MB in all: more than the memory budget, so holding it would show.
    await db.execute(sql`
      /* seedExportDevices */
      insert into devices (name, host, plugin_key, device_group_id)
      select 'exp-' || lpad(g::text, 5, '0'), '127.0.0.1', 'noop', ${group.id}::uuid
      from generate_series(1, ${count}) g`);
    await db.execute(sql`
      /* seedExportVersions */
      with cfg as (
        select d.id, 'hostname ' || d.name || E'\n' || repeat(md5(d.name) || E'\n', 300) as c
        from devices d where d.device_group_id = ${group.id}::uuid),
      texts as (
        insert into text_contents (sha256, content)
        select encode(sha256(convert_to(c, 'UTF8')), 'hex'), c from cfg on conflict do nothing)
      insert into backups (device_id, is_binary, sha256, size, storage_kind, storage_ref, changed, created_at)
      select id, false, encode(sha256(convert_to(c, 'UTF8')), 'hex'), octet_length(c), 'fs', 'seeded', true,
        now() - interval '1 minute'
      from cfg`);
    // RSS is sampled twice: as it comes (garbage included: how far V8 lets the heap grow before collecting
    // depends on allocation speed, which is higher against PostgreSQL) and after a forced collection every
    // 50 ms (what the export holds). The budget applies to the second; both are printed.
    gc();
    const baseline = process.memoryUsage().rss;
    let rawPeak = baseline;
    let heldPeak = baseline;
    let samples = 0;
    const sampler = setInterval(() => {
      rawPeak = Math.max(rawPeak, process.memoryUsage().rss);
      if (++samples % 5 === 0) {
        gc();
        heldPeak = Math.max(heldPeak, process.memoryUsage().rss);
      }
    }, 10);

    const zip = await download(url, 'bulk.zip');

    clearInterval(sampler);
    const mb = (bytes: number) => bytes / 1024 / 1024;
    const growthMb = mb(heldPeak - baseline);
    console.log(
      `# export of ${count} devices (${server.databaseUrl ? 'PostgreSQL' : 'PGlite'}): RSS growth ${growthMb.toFixed(1)} MB ` +
        `with collections, ${mb(rawPeak - baseline).toFixed(1)} MB as it came`,
    );
    assert.equal(zip.status, 200);
    assert.ok(growthMb <= 64, `RSS grew by ${growthMb.toFixed(1)} MB`);
    const expected = Array.from({ length: count }, (_, i) => `configs/exp-${String(i + 1).padStart(5, '0')}.cfg`);
    assert.deepEqual(listZip(zip.path), expected);
    for (const n of [1, 4242, count]) {
      const name = `exp-${String(n).padStart(5, '0')}`;
      const md5 = createHash('md5').update(name).digest('hex');
      assert.equal(entry(zip.path, `configs/${name}.cfg`), `hostname ${name}\n${`${md5}\n`.repeat(300)}`);
    }
    // `unzip -t` checks every entry's CRC: every file is whole.
    assert.match(execFileSync('unzip', ['-tq', zip.path], { encoding: 'utf8' }), /No errors detected/);
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(devices)
      .where(eq(devices.deviceGroupId, group.id));
    assert.equal(row!.n, count);
  });
});
