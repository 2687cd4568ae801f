import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from 'ssh2';
import { downloadSftpFile, openSftp, sftpDownload } from '../src/transports/sftp-download.js';
import { mikrotikRouterOsBinaryPlugin } from '../src/vendors/mikrotik-routeros-binary.js';
import { sftpFilePlugin } from '../src/vendors/sftp-file.js';
import { collectContext, rejectsWithCode } from './support/collect-context.js';
import { writeRandomFile } from './support/random-file.js';
import { skipUnlessInstalled } from './support/require-binary.js';
import { type SshTestServer, startSshTestServer } from './support/ssh-test-server.js';
import { connectToSshd, type RunningSshd, sshdPath, sshKeygenPath, startSshd } from './support/sshd.js';
import { listFiles, makeTempDir } from './support/temp-dir.js';

const bigSize = 250 * 1000 * 1000;
let files: Awaited<ReturnType<typeof makeTempDir>>;
let bigSha256: string;

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

before(async () => {
  files = await makeTempDir('sftp-files');
  bigSha256 = await writeRandomFile(join(files.path, 'image.bin'), bigSize);
  await writeFile(join(files.path, 'small.bin'), Buffer.alloc(3_000_000, 9));
});

after(async () => {
  await files.remove();
});

describe('sftpDownload from an ssh2 server', () => {
  let server: SshTestServer;
  let spool: Awaited<ReturnType<typeof makeTempDir>>;

  before(async () => {
    server = await startSshTestServer({ root: files.path });
    spool = await makeTempDir('sftp-spool');
  });

  after(async () => {
    await server.close();
    await spool.remove();
  });

  it('streams a 250 MB file into the spool with the right sha256 and the host key', async () => {
    const ctx = collectContext(server.target(), spool.path);

    const artefact = await sftpDownload(ctx.target, 'image.bin', ctx);

    assert.equal(artefact.size, bigSize);
    assert.equal(artefact.sha256, bigSha256);
    assert.equal(await sha256OfFile(artefact.spoolPath), bigSha256);
    assert.match(artefact.hostKeyFingerprint ?? '', /^SHA256:/);
    assert.deepEqual(ctx.events.at(-1), { bytes: bigSize, totalBytes: bigSize });
  });

  it('reports file_not_found for a missing path and leaves no spool file', async () => {
    const empty = await makeTempDir('sftp-missing');

    await rejectsWithCode(
      sftpDownload(server.target(), 'nope.bin', collectContext(server.target(), empty.path)),
      'file_not_found',
    );

    assert.deepEqual(await listFiles(empty.path), []);
    await empty.remove();
  });

  it('stops with aborted when cancelled mid-transfer and leaves no spool file', async () => {
    const empty = await makeTempDir('sftp-abort');
    const controller = new AbortController();
    const ctx = collectContext(server.target(), empty.path, controller.signal);
    ctx.progress = (event) => {
      if ((event.bytes ?? 0) > 20_000_000) controller.abort();
    };

    await rejectsWithCode(sftpDownload(ctx.target, 'image.bin', ctx), 'aborted');

    assert.deepEqual(await listFiles(empty.path), []);
    await empty.remove();
  });

  it('rejects sftp_file without a path as invalid_options', async () => {
    await rejectsWithCode(sftpFilePlugin.collect(collectContext(server.target(), spool.path)), 'invalid_options');
  });

  it('downloads the configured path with sftp_file', async () => {
    const ctx = collectContext(server.target({ options: { path: 'small.bin' } }), spool.path);

    const artefact = await sftpFilePlugin.collect(ctx);

    assert.equal(artefact.kind, 'binary');
    assert.equal(artefact.size, 3_000_000);
  });
});

describe('sftpDownload from a server that breaks off', () => {
  it('reports transfer_truncated when the server announces more bytes than the file has', async () => {
    const server = await startSshTestServer({ root: files.path, overstateSizeBy: 1000 });
    const empty = await makeTempDir('sftp-overstated');

    const error = await rejectsWithCode(
      sftpDownload(server.target(), 'small.bin', collectContext(server.target(), empty.path)),
      'transfer_truncated',
    );

    assert.match(error.message, /3000000 of the 3001000 bytes/);
    assert.deepEqual(await listFiles(empty.path), []);
    await server.close();
    await empty.remove();
  });

  it('reports transfer_truncated when the connection drops halfway and leaves no spool file', async () => {
    const server = await startSshTestServer({ root: files.path, cutAfterBytes: 1_500_000 });
    const empty = await makeTempDir('sftp-cut');

    await rejectsWithCode(
      sftpDownload(server.target(), 'small.bin', collectContext(server.target(), empty.path)),
      'transfer_truncated',
    );

    assert.deepEqual(await listFiles(empty.path), []);
    await server.close();
    await empty.remove();
  });
});

describe('downloadSftpFile from OpenSSH sshd', {
  skip: skipUnlessInstalled([sshdPath, sshKeygenPath], 'apt-get install -y openssh-server openssh-client'),
}, () => {
  let keys: Awaited<ReturnType<typeof makeTempDir>>;
  let spool: Awaited<ReturnType<typeof makeTempDir>>;
  let sshd: RunningSshd;
  let client: Client;

  before(async () => {
    keys = await makeTempDir('sshd');
    spool = await makeTempDir('sshd-spool');
    sshd = await startSshd(keys.path);
    client = await connectToSshd(sshd);
  });

  after(async () => {
    client?.end();
    await sshd?.stop();
    await keys?.remove();
    await spool?.remove();
  });

  it('streams a 250 MB file with the right sha256', async () => {
    const ctx = collectContext(sshdTarget(), spool.path);
    const sftp = await openSftp(client, ctx);

    const artefact = await downloadSftpFile(sftp, join(files.path, 'image.bin'), ctx);

    assert.equal(artefact.size, bigSize);
    assert.equal(artefact.sha256, bigSha256);
    assert.equal(await sha256OfFile(artefact.spoolPath), bigSha256);
  });

  it('reports file_not_found for a missing path', async () => {
    const ctx = collectContext(sshdTarget(), spool.path);
    const sftp = await openSftp(client, ctx);

    await rejectsWithCode(downloadSftpFile(sftp, join(files.path, 'nope.bin'), ctx), 'file_not_found');
  });

  function sshdTarget() {
    return {
      host: '127.0.0.1',
      port: sshd.port,
      username: sshd.username,
      password: '',
      hostKeyFingerprint: null,
      options: {},
    };
  }
});

describe('mikrotik_routeros_binary', () => {
  let routerFlash: Awaited<ReturnType<typeof makeTempDir>>;
  let spool: Awaited<ReturnType<typeof makeTempDir>>;
  let commands: string[];

  /** A router whose `/system backup save` writes a file to its flash and whose `/file remove` deletes it. */
  function fakeRouter(extra: { denyOpen?: RegExp; saveOutput?: string } = {}) {
    return startSshTestServer({
      root: routerFlash.path,
      denyOpen: extra.denyOpen,
      async exec(command) {
        commands.push(command);
        const save = /^\/system backup save name=(\S+) dont-encrypt=yes$/.exec(command);
        if (save) {
          if (extra.saveOutput) return { stdout: extra.saveOutput, code: 0 };
          await writeFile(join(routerFlash.path, `${save[1]}.backup`), Buffer.alloc(400_000, 0x42));
          return { stdout: 'Configuration backup saved\n', code: 0 };
        }
        const remove = /^\/file remove (\S+)$/.exec(command);
        if (remove && existsSync(join(routerFlash.path, remove[1]!))) {
          await rm(join(routerFlash.path, remove[1]!));
          return { stdout: '', code: 0 };
        }
        return { stdout: 'bad command name\n', code: 0 };
      },
    });
  }

  before(async () => {
    routerFlash = await makeTempDir('router-flash');
    spool = await makeTempDir('router-spool');
  });

  after(async () => {
    await routerFlash.remove();
    await spool.remove();
  });

  it('saves a backup, downloads it and removes it from the router', async () => {
    commands = [];
    const router = await fakeRouter();

    const artefact = await mikrotikRouterOsBinaryPlugin.collect(collectContext(router.target(), spool.path));

    assert.equal(artefact.size, 400_000);
    assert.equal(artefact.sha256, createHash('sha256').update(Buffer.alloc(400_000, 0x42)).digest('hex'));
    assert.match(artefact.hostKeyFingerprint ?? '', /^SHA256:/);
    const name = /name=(\S+)/.exec(commands[0]!)![1];
    assert.deepEqual(commands, [`/system backup save name=${name} dont-encrypt=yes`, `/file remove ${name}.backup`]);
    assert.deepEqual(router.opened, [`${name}.backup`]);
    assert.deepEqual(await listFiles(routerFlash.path), []);
    await router.close();
  });

  it('removes the file from the router even when the download fails', async () => {
    commands = [];
    const router = await fakeRouter({ denyOpen: /\.backup$/ });
    const empty = await makeTempDir('router-spool-failed');

    await rejectsWithCode(
      mikrotikRouterOsBinaryPlugin.collect(collectContext(router.target(), empty.path)),
      'plugin_error',
    );

    assert.equal(commands.length, 2);
    assert.match(commands[1]!, /^\/file remove devicevault-\w+\.backup$/);
    assert.deepEqual(await listFiles(routerFlash.path), []);
    assert.deepEqual(await listFiles(empty.path), []);
    await router.close();
    await empty.remove();
  });

  it('fails with plugin_error when the router refuses to save', async () => {
    commands = [];
    const router = await fakeRouter({ saveOutput: 'failure: not enough space\n' });

    const error = await rejectsWithCode(
      mikrotikRouterOsBinaryPlugin.collect(collectContext(router.target(), spool.path)),
      'plugin_error',
    );

    assert.match(error.message, /not enough space/);
    assert.equal(commands.length, 1);
    await router.close();
  });
});
