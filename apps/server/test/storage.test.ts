/**
 * Both storage backends, byte for byte: 0 B, 1 B, non-UTF-8, 1 MiB and 250 MB round trips (sha256 compared),
 * byte ranges, a git repository that plain `git` reads with one commit per change, and writes that fail
 * midway leaving nothing behind.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import type { BackupStore, PutRequest } from '../src/storage/backup-store.js';
import { createFsBackupStore } from '../src/storage/fs-backup-store.js';
import { createGitBackupStore, devicePath } from '../src/storage/git-backup-store.js';
import {
  bigSize,
  MiB,
  mountTinyFs,
  sha256,
  sha256OfStream,
  smallArtefacts,
  spoolCopy,
  streamToBuffer,
  writeRandomFile,
} from './support/storage-fixtures.js';

let work: string;
let bigFile: string;
let bigSha: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'dv-storage-'));
  bigFile = join(work, 'big.bin');
  bigSha = await writeRandomFile(bigFile, bigSize);
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

function gitOut(repo: string, args: string[]): string {
  return execFileSync('git', [`--git-dir=${repo}`, ...args], { encoding: 'utf8', maxBuffer: 64 * MiB });
}

async function putBytes(
  store: BackupStore,
  bytes: Buffer,
  request: Partial<Omit<PutRequest, 'spoolPath' | 'bytes'>> = {},
) {
  const spoolPath = join(work, 'spool', `${Math.random().toString(36).slice(2)}.part`);
  await mkdir(join(work, 'spool'), { recursive: true });
  await writeFile(spoolPath, bytes);
  return store.put({
    spoolPath,
    sha256: sha256(bytes),
    size: bytes.length,
    deviceId: '00000000-0000-4000-8000-000000000001',
    deviceName: 'r1',
    jobId: 'job-1',
    isBinary: true,
    ...request,
  });
}

for (const kind of ['fs', 'git'] as const) {
  describe(`the ${kind} store`, () => {
    let store: BackupStore;
    let root: string;

    before(() => {
      root = join(work, `${kind}-store`);
      store = kind === 'fs' ? createFsBackupStore(root) : createGitBackupStore(root);
    });

    for (const artefact of smallArtefacts) {
      it(`round-trips ${artefact.name} byte for byte`, async () => {
        const stored = await putBytes(store, artefact.bytes, {
          deviceName: `dev-${artefact.name}`,
          isBinary: artefact.isBinary,
        });

        const read = await streamToBuffer(await store.read(stored.ref));

        assert.equal(stored.kind, kind);
        assert.equal(read.length, artefact.bytes.length);
        assert.equal(sha256(read), sha256(artefact.bytes));
      });
    }

    it('round-trips 250 MB byte for byte (sha256 compared) and serves exact ranges of it', async () => {
      const spoolPath = await spoolCopy(join(work, 'spool'), bigFile);

      const stored = await store.put({
        spoolPath,
        sha256: bigSha,
        size: bigSize,
        deviceId: '00000000-0000-4000-8000-0000000000aa',
        deviceName: 'firmware-box',
        jobId: 'job-big',
        isBinary: true,
      });
      const whole = await sha256OfStream(await store.read(stored.ref));
      const tail = await streamToBuffer(await store.read(stored.ref, { start: bigSize - 10, end: bigSize - 1 }));
      const middle = await streamToBuffer(
        await store.read(stored.ref, { start: 100 * MiB + 3, end: 100 * MiB + 70_000 }),
      );

      assert.deepEqual(whole, { sha256: bigSha, size: bigSize });
      const expected = await import('node:fs/promises').then((fs) => fs.open(bigFile, 'r'));
      try {
        const tailExpected = Buffer.alloc(10);
        await expected.read(tailExpected, 0, 10, bigSize - 10);
        const middleExpected = Buffer.alloc(70_000 - 3 + 1);
        await expected.read(middleExpected, 0, middleExpected.length, 100 * MiB + 3);
        assert.deepEqual(tail, tailExpected);
        assert.deepEqual(middle, middleExpected);
      } finally {
        await expected.close();
      }
    });

    it('stores a text handed over in memory byte for byte, and again as the same object', async () => {
      // The runner's path for a text config: no spool file, the bytes themselves.
      const bytes = Buffer.from(`hostname in-memory-${kind}\ninterface Ethernet1\n description ümlaut ✓\n`, 'utf8');
      const request = {
        bytes,
        sha256: sha256(bytes),
        size: bytes.length,
        deviceId: '00000000-0000-4000-8000-0000000000bb',
        deviceName: 'in-memory',
        jobId: 'job-memory',
        isBinary: false,
      };

      const stored = await store.put(request);
      const again = await store.put({ ...request, jobId: 'job-memory-2' });

      assert.deepEqual(await streamToBuffer(await store.read(stored.ref)), bytes);
      assert.deepEqual(await streamToBuffer(await store.read(again.ref)), bytes);
      if (kind === 'fs') assert.equal(again.ref, stored.ref);
    });

    if (kind === 'fs')
      it("overwrites a temp file a crash left under the job's own temp name", async () => {
        const bytes = Buffer.from('hostname after-a-crash\n');
        const hash = sha256(bytes);
        const dir = join(root, hash.slice(0, 2), hash.slice(2, 4));
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, `${hash}.job-retried.${process.pid}.tmp`), 'half a config');

        const stored = await store.put({
          bytes,
          sha256: hash,
          size: bytes.length,
          deviceId: '00000000-0000-4000-8000-0000000000cc',
          deviceName: 'retried',
          jobId: 'job-retried',
          isBinary: false,
        });

        assert.deepEqual(await streamToBuffer(await store.read(stored.ref)), bytes);
      });

    if (kind === 'fs')
      it('overwrites that temp file with a spool file copied from another filesystem (EXDEV)', async (t) => {
        const shm = await mkdtemp('/dev/shm/dv-spool-').catch(() => null);
        if (!shm) return t.skip('no /dev/shm here');
        try {
          const bytes = Buffer.from('hostname spooled-elsewhere\n');
          const hash = sha256(bytes);
          const dir = join(root, hash.slice(0, 2), hash.slice(2, 4));
          await mkdir(dir, { recursive: true });
          if ((await stat(shm)).dev === (await stat(dir)).dev) return t.skip('/dev/shm shares the store filesystem');
          await writeFile(join(dir, `${hash}.job-exdev.${process.pid}.tmp`), 'half a config');
          const spoolPath = join(shm, 'spooled.bin');
          await writeFile(spoolPath, bytes);

          const stored = await store.put({
            spoolPath,
            sha256: hash,
            size: bytes.length,
            deviceId: '00000000-0000-4000-8000-0000000000cd',
            deviceName: 'exdev',
            jobId: 'job-exdev',
            isBinary: true,
          });

          assert.deepEqual(await streamToBuffer(await store.read(stored.ref)), bytes);
          assert.deepEqual(await readdir(dir), [hash]);
        } finally {
          await rm(shm, { recursive: true, force: true });
        }
      });

    it('serves a single byte and a range from the start', async () => {
      const bytes = Buffer.from('0123456789');
      const stored = await putBytes(store, bytes, { deviceName: 'ranges' });

      const first = await streamToBuffer(await store.read(stored.ref, { start: 0, end: 0 }));
      const some = await streamToBuffer(await store.read(stored.ref, { start: 2, end: 5 }));

      assert.equal(first.toString(), '0');
      assert.equal(some.toString(), '2345');
    });

    it('rejects a read of a reference it does not hold', async () => {
      const missing = kind === 'fs' ? 'a'.repeat(64) : `${'b'.repeat(40)}:nothing`;

      await assert.rejects(store.read(missing));
    });
  });
}

describe('the git repository', () => {
  it('shows one commit per changed version in `git log`, authored as the device with the job in the message', async () => {
    const repo = join(work, 'git-history');
    const store = createGitBackupStore(repo);
    const device = { deviceId: '00000000-0000-4000-8000-00000000000c', deviceName: 'core-sw1', isBinary: false };

    const versions = ['hostname core-sw1\n', 'hostname core-sw1\nvlan 10\n', 'hostname core-sw1\nvlan 10\nvlan 20\n'];
    const refs = [];
    for (const [index, text] of versions.entries())
      refs.push(await putBytes(store, Buffer.from(text), { ...device, jobId: `job-${index}` }));
    const again = await putBytes(store, Buffer.from(versions[2]!), { ...device, jobId: 'job-same' });
    const other = await putBytes(store, Buffer.from('other\n'), {
      deviceId: '00000000-0000-4000-8000-00000000000d',
      deviceName: 'edge-rtr',
      jobId: 'job-x',
    });

    const log = gitOut(repo, ['log', '--format=%an|%s', 'main', '--', device.deviceId]).trim().split('\n');
    assert.deepEqual(log, [
      'core-sw1|core-sw1: config from job-2',
      'core-sw1|core-sw1: config from job-1',
      'core-sw1|core-sw1: config from job-0',
    ]);
    assert.equal(again.ref, refs[2]!.ref, 'identical content makes no new commit');
    assert.match(gitOut(repo, ['log', '-p', 'main', '--', device.deviceId]), /\+vlan 20/);
    assert.equal(gitOut(repo, ['show', `main:${devicePath(device.deviceId)}`]), versions[2]);
    assert.equal(gitOut(repo, ['show', other.ref]), 'other\n');
    assert.equal(gitOut(repo, ['rev-list', '--count', 'main']).trim(), '4');
    for (const [index, ref] of refs.entries())
      assert.equal((await streamToBuffer(await store.read(ref.ref))).toString(), versions[index]);
  });

  it('keeps every concurrent write when many jobs store at once', async () => {
    const repo = join(work, 'git-concurrent');
    const store = createGitBackupStore(repo);

    const stored = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        putBytes(store, Buffer.from(`config ${index}\n`), {
          deviceId: `00000000-0000-4000-8000-0000000001${String(index).padStart(2, '0')}`,
          deviceName: `sw-${index}`,
        }),
      ),
    );

    assert.equal(gitOut(repo, ['rev-list', '--count', 'main']).trim(), '12');
    assert.equal(gitOut(repo, ['ls-tree', '--name-only', 'main']).trim().split('\n').length, 12);
    for (const [index, ref] of stored.entries())
      assert.equal((await streamToBuffer(await store.read(ref.ref))).toString(), `config ${index}\n`);
  });

  it('pushes each commit to a configured remote', async () => {
    const repo = join(work, 'git-pushing');
    const remote = join(work, 'git-remote.git');
    execFileSync('git', ['init', '--bare', '--quiet', remote]);
    const store = createGitBackupStore(repo);
    await putBytes(store, Buffer.from('first\n'), { deviceName: 'pushed' });
    gitOut(repo, ['remote', 'add', 'origin', remote]);

    const stored = await putBytes(store, Buffer.from('second\n'), { deviceName: 'pushed' });
    const commit = stored.ref.split(':')[0]!;
    let pushed = '';
    // The push runs in the background; until it lands the remote has no branch and rev-parse fails.
    for (const deadline = Date.now() + 2 * 60_000; Date.now() < deadline && pushed !== commit; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      try {
        pushed = gitOut(remote, ['rev-parse', '--verify', '-q', 'refs/heads/main']).trim();
      } catch {
        pushed = '';
      }
    }

    assert.equal(pushed, commit);
  });
});

describe('a write that fails midway', () => {
  it('leaves no partial blob in the filesystem store when the copy fails', async () => {
    const root = join(work, 'fs-failing');
    const store = createFsBackupStore(root, {
      async copy(_from, to) {
        await pipeline(
          (async function* () {
            yield Buffer.alloc(64 * 1024, 1);
            throw Object.assign(new Error('injected write error'), { code: 'EIO' });
          })(),
          createWriteStream(to),
        );
      },
    });

    await assert.rejects(putBytes(store, Buffer.alloc(MiB, 7)), /injected write error/);

    assert.deepEqual(await listFiles(root), []);
  });

  for (const kind of ['fs', 'git'] as const) {
    it(`leaves no partial blob in the ${kind} store when the disk fills up`, async (t) => {
      const dir = join(work, `tiny-${kind}`);
      await mkdir(dir, { recursive: true });
      const tiny = mountTinyFs(dir, '512k');
      if (!tiny) return t.skip('mounting a tmpfs needs root');
      try {
        const store = kind === 'fs' ? createFsBackupStore(join(dir, 'blobs')) : createGitBackupStore(join(dir, 'repo'));
        const before = kind === 'git' ? await putBytes(store, Buffer.from('small\n'), { deviceName: 'tiny' }) : null;
        const filesBefore = await listFiles(dir);

        await assert.rejects(putBytes(store, Buffer.from(await import('node:crypto').then((c) => c.randomBytes(MiB)))));

        assert.deepEqual(
          (await listFiles(dir)).filter((file) => !file.endsWith('devicevault.index')),
          filesBefore.filter((file) => !file.endsWith('devicevault.index')),
        );
        if (before) assert.equal((await streamToBuffer(await store.read(before.ref))).toString(), 'small\n');
      } finally {
        await tiny.unmount();
      }
    });
  }
});

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
