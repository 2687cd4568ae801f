/**
 * Git store: a real repository that plain `git` reads (`git log -p <device>` shows a device's history).
 * One file per device at the top of the tree, one commit per changed version, authored as the device with
 * the job in the message; text and binary alike. Written with plumbing only (hash-object, update-index on a
 * private index file, write-tree, commit-tree, update-ref with the expected old value), serialized per
 * repository inside this process and compare-and-swapped on the ref across processes.
 *
 * The ref on a backup row is `<commit>:<path>`: the commit that introduced the version (so `git show` finds
 * it) and the device's file. Reads stream `git cat-file blob <commit>:<path>`.
 *
 * Retention: pruning removes version rows only; git keeps its history (commits are never rewritten), so
 * `collectGarbage` removes nothing. Set `remote.origin.url` in the repository to have every commit pushed
 * there (best effort, in the background).
 */
import { access, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { Logger } from '../log.js';
import type { BackupStore, ByteRange, PutRequest, StoredObject } from './backup-store.js';
import { git, gitPlain, streamBlob } from './git-cli.js';

const zeroOid = '0000000000000000000000000000000000000000';
const refShape = /^[0-9a-f]{40}:[^\0\n]+$/;

interface RepoState {
  queue: Promise<unknown>;
  /** The commit the private index currently mirrors; anything else means re-read the tree first. */
  indexBase: string | null | undefined;
  pushing: boolean;
  pushAgain: boolean;
}

// Keyed by git dir, so two store objects on one repository still take turns.
const repos = new Map<string, RepoState>();

function stateOf(gitDir: string): RepoState {
  let state = repos.get(gitDir);
  if (!state) {
    state = { queue: Promise.resolve(), indexBase: undefined, pushing: false, pushAgain: false };
    repos.set(gitDir, state);
  }
  return state;
}

function serialized<T>(state: RepoState, task: () => Promise<T>): Promise<T> {
  const run = state.queue.then(task, task);
  state.queue = run.catch(() => {});
  return run;
}

/**
 * A device's file: named by its id, never its name, so renaming or moving a device continues the same file's
 * history (`git log -- <id>`); the commit message and author carry the name for people reading the log.
 */
export function devicePath(deviceId: string): string {
  return deviceId;
}

// In-flight openings by path: two stores (or a store and a mirror push) opening a new location at once
// would otherwise run `git init` twice, and one of them reads the repository while the other is half-way
// through writing it ("not a git repository").
const opening = new Map<string, Promise<{ gitDir: string; branchRef: string }>>();

export function ensureGitRepository(location: string): Promise<{ gitDir: string; branchRef: string }> {
  const path = resolve(location);
  let pending = opening.get(path);
  if (!pending) {
    pending = openOrInitRepository(path).finally(() => opening.delete(path));
    opening.set(path, pending);
  }
  return pending;
}

async function openOrInitRepository(path: string): Promise<{ gitDir: string; branchRef: string }> {
  const nonBare = join(path, '.git');
  if (await exists(join(nonBare, 'HEAD'))) {
    const branchRef = (await git(nonBare, ['symbolic-ref', 'HEAD'])).stdout.trim();
    return { gitDir: nonBare, branchRef };
  }
  if (!(await exists(join(path, 'HEAD')))) {
    await mkdir(path, { recursive: true });
    await gitPlain(['init', '--bare', '--quiet', '--initial-branch=main', path]);
    // Never let git repack or prune on its own while jobs write; history is the point.
    await git(path, ['config', 'gc.auto', '0']);
  }
  const branchRef = (await git(path, ['symbolic-ref', 'HEAD'])).stdout.trim();
  return { gitDir: path, branchRef };
}

export function createGitBackupStore(
  path: string,
  options: {
    log?: Logger;
    /** Called after each new commit (remote mirrors push it). */
    onCommit?: () => void;
  } = {},
): BackupStore {
  let opened: Promise<{ gitDir: string; branchRef: string }> | undefined;
  const open = () => {
    opened ??= ensureGitRepository(path).catch((error) => {
      opened = undefined;
      throw error;
    });
    return opened;
  };

  async function commitVersion(gitDir: string, branchRef: string, request: PutRequest): Promise<StoredObject> {
    const state = stateOf(gitDir);
    const file = devicePath(request.deviceId);
    const indexEnv = { GIT_INDEX_FILE: join(gitDir, 'devicevault.index') };
    // A spool file by path, not stdin: git then streams big files into a pack instead of reading them into memory
    // (a text config's bytes, already in memory and capped, go on stdin).
    const startedAt = Date.now();
    let blob: string;
    try {
      const written = request.bytes
        ? await git(gitDir, ['hash-object', '-w', '--no-filters', '--stdin'], { input: Readable.from([request.bytes]) })
        : await git(gitDir, ['hash-object', '-w', '--no-filters', '--', request.spoolPath]);
      blob = written.stdout.trim();
    } catch (error) {
      // git leaves its temp object behind when the disk fills up; nothing may stay of a failed write.
      await removeTempObjects(gitDir, startedAt);
      throw error;
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const parentOut = await git(gitDir, ['rev-parse', '--verify', '--quiet', `${branchRef}^{commit}`], {
        okCodes: [1],
      });
      const parent = parentOut.stdout.trim() || null;
      if (state.indexBase !== parent) {
        await git(gitDir, ['read-tree', ...(parent ? [parent] : ['--empty'])], { env: indexEnv });
        state.indexBase = parent;
      }
      await git(gitDir, ['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`], { env: indexEnv });
      state.indexBase = undefined; // the index now differs from `parent` until the commit lands
      const tree = (await git(gitDir, ['write-tree'], { env: indexEnv })).stdout.trim();
      if (parent) {
        const parentTree = (await git(gitDir, ['rev-parse', `${parent}^{tree}`])).stdout.trim();
        if (parentTree === tree) {
          state.indexBase = parent;
          return { kind: 'git', ref: `${parent}:${file}` };
        }
      }
      const when = `@${Math.floor((request.takenAt ?? new Date()).getTime() / 1000)} +0000`;
      const message = [
        `${request.deviceName}: ${request.isBinary ? 'binary' : 'config'} from ${request.jobId}`,
        '',
        `Device-Id: ${request.deviceId}`,
        `Job-Id: ${request.jobId}`,
        `Sha256: ${request.sha256}`,
        '',
      ].join('\n');
      const commit = (
        await git(gitDir, ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-F', '-'], {
          input: message,
          env: {
            GIT_AUTHOR_NAME: request.deviceName,
            GIT_AUTHOR_EMAIL: `${request.deviceId}@devicevault.invalid`,
            GIT_AUTHOR_DATE: when,
            GIT_COMMITTER_NAME: 'DeviceVault',
            GIT_COMMITTER_EMAIL: 'devicevault@devicevault.invalid',
            GIT_COMMITTER_DATE: when,
          },
        })
      ).stdout.trim();
      // Compare-and-swap: fails if another process moved the branch; then rebuild on its commit.
      const swapped = await git(gitDir, ['update-ref', branchRef, commit, parent ?? zeroOid], { okCodes: [1, 128] });
      if (swapped.code !== 0) continue;
      state.indexBase = commit;
      schedulePush(gitDir, branchRef);
      options.onCommit?.();
      return { kind: 'git', ref: `${commit}:${file}` };
    }
    throw new Error('the git branch kept moving under us; gave up after 5 attempts');
  }

  function schedulePush(gitDir: string, branchRef: string) {
    const state = stateOf(gitDir);
    if (state.pushing) {
      state.pushAgain = true;
      return;
    }
    state.pushing = true;
    void (async () => {
      try {
        do {
          state.pushAgain = false;
          const remote = await git(gitDir, ['config', '--get', 'remote.origin.url'], { okCodes: [1] });
          if (!remote.stdout.trim()) return;
          await git(gitDir, ['push', '--quiet', 'origin', `${branchRef}:${branchRef}`]);
        } while (state.pushAgain);
      } catch (error) {
        options.log?.warn('git push failed', { path, error: String(error) });
      } finally {
        state.pushing = false;
      }
    })();
  }

  return {
    kind: 'git',
    async put(request) {
      const { gitDir, branchRef } = await open();
      return serialized(stateOf(gitDir), () => commitVersion(gitDir, branchRef, request));
    },

    async read(ref: string, range?: ByteRange) {
      if (!refShape.test(ref)) throw new Error(`invalid git reference ${ref}`);
      const { gitDir } = await open();
      await git(gitDir, ['cat-file', '-e', ref]);
      return streamBlob(gitDir, ref, range);
    },

    async collectGarbage() {
      return { removed: 0, bytes: 0 };
    },
  };
}

async function removeTempObjects(gitDir: string, sinceMs: number) {
  const objects = join(gitDir, 'objects');
  const dirs = (await readdir(objects).catch(() => [] as string[])).filter((name) => /^([0-9a-f]{2}|pack)$/.test(name));
  for (const dir of dirs) {
    for (const name of await readdir(join(objects, dir)).catch(() => [] as string[])) {
      if (!/^(tmp_obj_|tmp_pack_|tmp_idx_)/.test(name)) continue;
      const path = join(objects, dir, name);
      const info = await stat(path).catch(() => null);
      if (info && info.mtimeMs >= sinceMs - 1000) await rm(path, { force: true });
    }
  }
}

async function exists(path: string) {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
