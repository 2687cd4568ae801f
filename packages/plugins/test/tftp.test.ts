import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CollectContext, CollectProgress } from '../src/contract.js';
import { type TftpReadOptions, tftpDownload } from '../src/transports/tftp-client.js';
import { tftpFilePlugin } from '../src/vendors/tftp-file.js';
import { collectContext, rejectsWithCode } from './support/collect-context.js';
import { writeRandomFile } from './support/random-file.js';
import { skipUnlessInstalled } from './support/require-binary.js';
import { listFiles, makeTempDir } from './support/temp-dir.js';
import { startTestTftpServer } from './support/tftp-test-server.js';
import { type RunningTftpd, startTftpd, tftpdPath } from './support/tftpd-hpa.js';

interface TestContext extends Pick<CollectContext, 'spoolDir' | 'signal' | 'progress'> {
  events: CollectProgress[];
}

function spoolContext(spoolDir: string, signal = new AbortController().signal): TestContext {
  const events: CollectProgress[] = [];
  return { spoolDir, signal, events, progress: (event) => events.push(event) };
}

function readOptions(port: number, path: string, extra: Partial<TftpReadOptions> = {}): TftpReadOptions {
  return { host: '127.0.0.1', port, path, retransmitMs: 100, maxRetries: 5, ...extra };
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const bigSize = 33 * 1024 * 1024;

describe('tftpDownload from tftpd-hpa', {
  skip: skipUnlessInstalled([tftpdPath], 'apt-get install -y tftpd-hpa'),
}, () => {
  let root: Awaited<ReturnType<typeof makeTempDir>>;
  let spool: Awaited<ReturnType<typeof makeTempDir>>;
  let tftpd: RunningTftpd;
  let bigSha256: string;

  before(async () => {
    root = await makeTempDir('tftp-root');
    spool = await makeTempDir('tftp-spool');
    bigSha256 = await writeRandomFile(join(root.path, 'firmware.bin'), bigSize);
    tftpd = await startTftpd(root.path);
  });

  after(async () => {
    await tftpd?.stop();
    await root?.remove();
    await spool?.remove();
  });

  it('fetches a 33 MiB file byte-exact at 512-byte blocks, past the 65535-block rollover', async () => {
    const ctx = spoolContext(spool.path);

    const artefact = await tftpDownload(readOptions(tftpd.port, 'firmware.bin'), ctx);

    assert.equal(artefact.size, bigSize);
    assert.equal(artefact.sha256, bigSha256);
    assert.equal(await sha256OfFile(artefact.spoolPath), bigSha256);
    assert.deepEqual(ctx.events.at(-1), { bytes: bigSize, totalBytes: bigSize });
  });

  it('fetches the same file with a negotiated block size', async () => {
    const ctx = spoolContext(spool.path);

    const artefact = await tftpDownload(readOptions(tftpd.port, 'firmware.bin', { blksize: 8192 }), ctx);

    assert.equal(artefact.size, bigSize);
    assert.equal(artefact.sha256, bigSha256);
    assert.equal(await sha256OfFile(artefact.spoolPath), bigSha256);
  });

  it('reports file_not_found for a missing file and leaves no spool file', async () => {
    const empty = await makeTempDir('tftp-spool-empty');

    await rejectsWithCode(
      tftpDownload(readOptions(tftpd.port, 'nope.bin'), spoolContext(empty.path)),
      'file_not_found',
    );

    assert.deepEqual(await listFiles(empty.path), []);
    await empty.remove();
  });
});

describe('tftpDownload against faulty servers', () => {
  let spool: Awaited<ReturnType<typeof makeTempDir>>;

  before(async () => {
    spool = await makeTempDir('tftp-faults');
  });

  after(async () => {
    await spool.remove();
  });

  it('gives up with timeout after its retransmits when the server never answers, and leaves no spool file', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    let requests = 0;
    silent.on('message', () => {
      requests += 1;
    });

    await rejectsWithCode(
      tftpDownload(
        readOptions(silent.address().port, 'x.bin', { retransmitMs: 50, maxRetries: 3 }),
        spoolContext(spool.path),
      ),
      'timeout',
    );

    // The first request and 3 retransmits, then it stops (rather than waiting on some longer deadline).
    assert.equal(requests, 4);
    assert.deepEqual(await listFiles(spool.path), []);
    silent.close();
  });

  it('recovers from dropped OACK and DATA packets by retransmitting', async () => {
    const content = Buffer.alloc(200_000, 7);
    content.write('header', 0);
    const server = await startTestTftpServer({
      files: { 'lossy.bin': content },
      // The first OACK and the first copy of every 10th block are lost.
      drop: ({ kind, block, attempt }) => attempt === 1 && (kind === 'oack' || block % 10 === 0),
    });

    const artefact = await tftpDownload(
      readOptions(server.port, 'lossy.bin', { blksize: 1024 }),
      spoolContext(spool.path),
    );

    assert.equal(artefact.sha256, sha256(content));
    assert.ok(server.stats.retransmits > 0);
    await server.close();
  });

  it('follows a server that wraps block numbers to 1 instead of 0', async () => {
    // 8-byte blocks reach block 65535 in half a megabyte.
    const content = Buffer.from(Array.from({ length: 65_600 * 8 + 3 }, (_, i) => i % 251));
    const server = await startTestTftpServer({ files: { 'wrap.bin': content }, wrapTo: 1 });

    const artefact = await tftpDownload(readOptions(server.port, 'wrap.bin', { blksize: 8 }), spoolContext(spool.path));

    assert.equal(artefact.size, content.length);
    assert.equal(artefact.sha256, sha256(content));
    await server.close();
  });

  it('falls back to plain RFC 1350 when the server refuses or ignores options', async () => {
    const content = Buffer.alloc(5000, 1);
    const refusing = await startTestTftpServer({ files: { 'a.bin': content }, options: 'refuse' });
    const ignoring = await startTestTftpServer({ files: { 'a.bin': content }, options: 'ignore' });

    const fromRefusing = await tftpDownload(
      readOptions(refusing.port, 'a.bin', { blksize: 1024 }),
      spoolContext(spool.path),
    );
    const fromIgnoring = await tftpDownload(
      readOptions(ignoring.port, 'a.bin', { blksize: 1024 }),
      spoolContext(spool.path),
    );

    assert.equal(fromRefusing.sha256, sha256(content));
    assert.equal(fromIgnoring.sha256, sha256(content));
    assert.equal(refusing.stats.requests, 2);
    await refusing.close();
    await ignoring.close();
  });

  it('reports transfer_truncated when fewer bytes arrive than the announced tsize', async () => {
    const empty = await makeTempDir('tftp-truncated');
    const server = await startTestTftpServer({ files: { 'short.bin': Buffer.alloc(3000, 2) }, claimedSize: 9000 });

    await rejectsWithCode(
      tftpDownload(readOptions(server.port, 'short.bin'), spoolContext(empty.path)),
      'transfer_truncated',
    );

    assert.deepEqual(await listFiles(empty.path), []);
    await server.close();
    await empty.remove();
  });

  it('passes other server errors on as plugin_error with the server message', async () => {
    const server = await startTestTftpServer({ files: {}, options: 'negotiate' });
    const denied = createSocket('udp4');
    await new Promise<void>((resolve) => denied.bind(0, '127.0.0.1', resolve));
    denied.on('message', (_message, from) => {
      denied.send(
        Buffer.concat([Buffer.from([0, 5, 0, 2]), Buffer.from('Access violation\0')]),
        from.port,
        from.address,
      );
    });

    const error = await rejectsWithCode(
      tftpDownload(readOptions(denied.address().port, 'secret.bin'), spoolContext(spool.path)),
      'plugin_error',
    );

    assert.match(error.message, /Access violation/);
    denied.close();
    await server.close();
  });

  it('stops with aborted when the signal fires mid-transfer, tells the server, and leaves no spool file', async () => {
    const empty = await makeTempDir('tftp-abort');
    const controller = new AbortController();
    const server = await startTestTftpServer({
      files: { 'slow.bin': Buffer.alloc(100_000, 3) },
      // Block 50 never arrives, so the transfer is still running when the abort comes.
      drop: ({ block }) => block === 50,
    });
    setTimeout(() => controller.abort(), 200);

    await rejectsWithCode(
      tftpDownload(
        readOptions(server.port, 'slow.bin', { maxRetries: 100 }),
        spoolContext(empty.path, controller.signal),
      ),
      'aborted',
    );

    assert.deepEqual(await listFiles(empty.path), []);
    // The ERROR packet is in flight when the download rejects.
    for (const deadline = Date.now() + 60_000; server.stats.errorsReceived === 0 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(server.stats.errorsReceived, 1);
    await server.close();
    await empty.remove();
  });

  it('rejects an out-of-range blksize as invalid_options', async () => {
    await rejectsWithCode(
      tftpDownload(readOptions(69, 'x', { blksize: 70_000 }), spoolContext(spool.path)),
      'invalid_options',
    );
  });
});

describe('tftp_file', () => {
  function target(port: number, options: Record<string, string>) {
    return { host: '127.0.0.1', port, username: '', password: '', hostKeyFingerprint: null, options };
  }

  it('fetches the configured path from the device port with the configured block size', async () => {
    const spool = await makeTempDir('tftp-plugin');
    const content = Buffer.alloc(10_000, 5);
    const server = await startTestTftpServer({ files: { 'startup.cfg': content } });

    const artefact = await tftpFilePlugin.collect(
      collectContext(target(server.port, { path: 'startup.cfg', blksize: '1024' }), spool.path),
    );

    assert.equal(artefact.kind, 'binary');
    assert.equal(artefact.sha256, sha256(content));
    await server.close();
    await spool.remove();
  });

  it('rejects a missing path or a malformed blksize as invalid_options', async () => {
    await rejectsWithCode(tftpFilePlugin.collect(collectContext(target(69, {}), '/nonexistent')), 'invalid_options');
    await rejectsWithCode(
      tftpFilePlugin.collect(collectContext(target(69, { path: 'a', blksize: 'big' }), '/nonexistent')),
      'invalid_options',
    );
  });
});
