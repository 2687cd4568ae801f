/**
 * The signed download route over a real port: byte-exact bodies from both backends (0 B to 250 MB,
 * non-UTF-8), exact ranges, HEAD, headers, flat memory, and 403/404 for every kind of bad URL.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BackupRow } from '@devicevault/schema/db/tables';
import { createDownloadSigner, loadDownloadKey } from '../src/http/download-signing.js';
import { createDownloadRoute } from '../src/http/downloads.js';
import { createLogger } from '../src/log.js';
import { createDevice } from './support/builders.js';
import { createLocation, registryFor, seedVersion } from './support/seed-versions.js';
import { bigSize, MiB, sha256, sha256OfStream, smallArtefacts, writeRandomFile } from './support/storage-fixtures.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let bigFile: string;
let bigSha: string;
let device: { id: string; name: string };
const locations: Record<'fs' | 'git', string | null> = { fs: null, git: null };

before(async () => {
  server = await startTestServer();
  bigFile = join(server.dataDir, 'big-artefact.bin');
  bigSha = await writeRandomFile(bigFile, bigSize);
  device = await createDevice(server, { pluginKey: 'noop', name: 'edge-fw1' });
  locations.git = (await createLocation(server, 'git')).id;
});

after(async () => {
  await rm(bigFile, { force: true });
  await server.stop();
});

async function downloadUrl(backupId: string): Promise<string> {
  const result = await server.gql(`query ($id: ID!) { backup(id: $id) { downloadUrl } }`, { id: backupId });
  return result.data.backup.downloadUrl;
}

async function signer() {
  return createDownloadSigner(await loadDownloadKey(undefined, server.dataDir), 300);
}

for (const kind of ['fs', 'git'] as const) {
  describe(`downloads from the ${kind} backend`, () => {
    let big: Promise<BackupRow> | undefined;
    // Stored once per backend and shared by the 250 MB tests.
    const bigBackup = () =>
      (big ??= seedVersion(server, {
        deviceId: device.id,
        deviceName: device.name,
        file: bigFile,
        isBinary: true,
        locationId: locations[kind],
      }));

    for (const artefact of smallArtefacts) {
      it(`streams ${artefact.name} byte for byte with exact Content-Length`, async () => {
        const backup = await seedVersion(server, {
          deviceId: device.id,
          deviceName: device.name,
          bytes: artefact.bytes,
          isBinary: artefact.isBinary,
          locationId: locations[kind],
        });

        const response = await fetch(await downloadUrl(backup.id));
        const body = Buffer.from(await response.arrayBuffer());

        assert.equal(response.status, 200);
        assert.equal(response.headers.get('content-length'), String(artefact.bytes.length));
        assert.equal(sha256(body), sha256(artefact.bytes));
        assert.equal(
          response.headers.get('content-type'),
          artefact.isBinary ? 'application/octet-stream' : 'text/plain; charset=utf-8',
        );
        assert.match(
          response.headers.get('content-disposition') ?? '',
          new RegExp(`^attachment; filename="edge-fw1-[0-9TZ-]+\\.${artefact.isBinary ? 'bin' : 'txt'}"`),
        );
      });
    }

    it('streams 250 MB byte for byte (sha256 compared) with flat memory', async () => {
      const backup = await bigBackup();
      const url = await downloadUrl(backup.id);
      global.gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 20);

      const response = await fetch(url);
      const received = await sha256OfStream(response.body as unknown as AsyncIterable<Uint8Array>);
      clearInterval(sampler);

      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-length'), String(bigSize));
      assert.deepEqual(received, { sha256: bigSha, size: bigSize });
      const growth = (peak - baseline) / MiB;
      assert.ok(growth < 128, `RSS grew by ${growth.toFixed(0)} MiB while streaming 250 MB`);
    });

    it('answers Range requests with the exact slices and 206', async () => {
      const backup = await bigBackup();
      const url = await downloadUrl(backup.id);
      const file = await open(bigFile, 'r');
      async function expected(start: number, end: number) {
        const buffer = Buffer.alloc(end - start + 1);
        await file.read(buffer, 0, buffer.length, start);
        return buffer;
      }

      try {
        for (const [header, start, end] of [
          ['bytes=0-0', 0, 0],
          ['bytes=1000-1999', 1000, 1999],
          [`bytes=${200 * MiB}-${200 * MiB + 65_536}`, 200 * MiB, 200 * MiB + 65_536],
          ['bytes=-17', bigSize - 17, bigSize - 1],
          [`bytes=${bigSize - 5}-`, bigSize - 5, bigSize - 1],
          [`bytes=${bigSize - 3}-${bigSize + 100}`, bigSize - 3, bigSize - 1],
        ] as const) {
          const response = await fetch(url, { headers: { range: header } });
          const body = Buffer.from(await response.arrayBuffer());

          assert.equal(response.status, 206, header);
          assert.equal(response.headers.get('content-range'), `bytes ${start}-${end}/${bigSize}`);
          assert.equal(response.headers.get('content-length'), String(end - start + 1));
          assert.deepEqual(body, await expected(start, end), header);
        }
      } finally {
        await file.close();
      }
    });
  });
}

describe('the download route', () => {
  let text: BackupRow;
  let other: BackupRow;

  before(async () => {
    text = await seedVersion(server, { deviceId: device.id, deviceName: device.name, bytes: 'hostname fw1\n' });
    other = await seedVersion(server, { deviceId: device.id, deviceName: device.name, bytes: 'hostname other\n' });
  });

  it('answers HEAD with the headers of the whole body and no body', async () => {
    const response = await fetch(await downloadUrl(text.id), { method: 'HEAD' });

    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-length'), String('hostname fw1\n'.length));
    assert.equal(response.headers.get('accept-ranges'), 'bytes');
    assert.equal((await response.arrayBuffer()).byteLength, 0);
  });

  it('answers an unsatisfiable range with 416', async () => {
    const response = await fetch(await downloadUrl(text.id), { headers: { range: 'bytes=500-' } });

    assert.equal(response.status, 416);
    assert.equal(response.headers.get('content-range'), `bytes */${'hostname fw1\n'.length}`);
  });

  it('issues URLs bound to the signed-in user', async () => {
    const url = new URL(await downloadUrl(text.id));

    assert.ok(url.searchParams.get('uid'), 'the URL names the user it was issued to');
    assert.ok(Number(url.searchParams.get('exp')) * 1000 <= Date.now() + 300_000 + 1000);
  });

  it('rejects a download whose signature was tampered with', async () => {
    const url = new URL(await downloadUrl(text.id));
    const sig = url.searchParams.get('sig')!;
    url.searchParams.set('sig', `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`);

    const response = await fetch(url);

    assert.equal(response.status, 403);
  });

  it('rejects a download without a signature', async () => {
    const response = await fetch(`${server.url}/downloads/${text.id}`);

    assert.equal(response.status, 403);
  });

  it('rejects an expired download', async () => {
    const path = (await signer()).pathFor(text.id, null, Date.now() - 301_000);

    const response = await fetch(`${server.url}${path}`);

    assert.equal(response.status, 403);
  });

  it('rejects a download whose expiry was extended', async () => {
    const url = new URL(await downloadUrl(text.id));
    url.searchParams.set('exp', String(Number(url.searchParams.get('exp')) + 3600));

    const response = await fetch(url);

    assert.equal(response.status, 403);
  });

  it('rejects a download whose signature was made for another backup', async () => {
    const url = new URL(await downloadUrl(text.id));
    url.pathname = `/downloads/${other.id}`;

    const response = await fetch(url);

    assert.equal(response.status, 403);
  });

  it('rejects a download whose signature was made for another user', async () => {
    const url = new URL(await downloadUrl(text.id));
    url.searchParams.set('uid', randomUUID());

    const response = await fetch(url);

    assert.equal(response.status, 403);
  });

  it('returns 404 for a correctly signed URL of a missing backup', async () => {
    const path = (await signer()).pathFor(randomUUID(), null);

    const response = await fetch(`${server.url}${path}`);

    assert.equal(response.status, 404);
  });

  it('refuses other methods', async () => {
    const response = await fetch(await downloadUrl(text.id), { method: 'POST' });

    assert.equal(response.status, 405);
  });

  it('asks the authorization hook, and answers 403 when another user presents the URL', async () => {
    const sign = await signer();
    const route = createDownloadRoute({
      db: server.app.database.db,
      storage: registryFor(server),
      signer: sign,
      log: createLogger('silent'),
      // The app's real hook compares the request's session with the user the URL was issued to.
      authorizeDownload: async (request, userId) => request.headers['x-test-user'] === userId,
    });
    const http = createServer((request, response) => void route(request, response));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const alice = randomUUID();
    const path = sign.pathFor(text.id, alice);

    try {
      const asAlice = await fetch(`${base}${path}`, { headers: { 'x-test-user': alice } });
      const asBob = await fetch(`${base}${path}`, { headers: { 'x-test-user': randomUUID() } });

      assert.equal(asAlice.status, 200);
      assert.equal(await asAlice.text(), 'hostname fw1\n');
      assert.equal(asBob.status, 403);
    } finally {
      http.close();
    }
  });
});
