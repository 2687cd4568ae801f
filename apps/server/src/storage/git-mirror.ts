/**
 * Remote mirrors of git locations (issue 14): after each commit the location's branch is pushed, in the
 * background, to its `mirror_url` (HTTPS with a token sent as an extra header, SSH with a key written 0600 for
 * the push only, or git://). A remote that moved ahead is fetched and merged (both sides' commits kept; our
 * files win a conflict on the same path) and pushed again — never forced. Failures are retried with backoff;
 * the outcome is the location's push health (last success, last error) and GIT_PUSH_FAILING /
 * GIT_PUSH_RECOVERED events for alerting. Several server processes may push the same location: a push that
 * is already there is a no-op, and a rejected one merges and retries.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from '@devicevault/schema/db/database';
import { events, type StorageLocationRow, storageLocations } from '@devicevault/schema/db/tables';
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Logger } from '../log.js';
import { ensureGitRepository } from './git-backup-store.js';
import { GitError, git } from './git-cli.js';
import { locationPath } from './storage-registry.js';

export interface MirrorSecret {
  token?: string;
  sshPrivateKey?: string;
}

export interface GitMirrorDeps {
  db: Database;
  log: Logger;
  dataDir: string;
  decrypt(ciphertext: string): string;
  /** First retry delay (doubles per failure, up to `maxRetryMs`). */
  retryBaseMs?: number;
  maxRetryMs?: number;
}

interface MirrorState {
  running: boolean;
  again: boolean;
  failures: number;
  retry?: NodeJS.Timeout;
}

const mergeAttempts = 3;

/** A push's git environment: how the credential reaches git without being in argv, the URL or the repo config. */
async function credentialEnv(
  deps: GitMirrorDeps,
  location: StorageLocationRow,
): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }> {
  const secret: MirrorSecret = location.mirrorSecretCiphertext
    ? (JSON.parse(deps.decrypt(location.mirrorSecretCiphertext)) as MirrorSecret)
    : {};
  if (secret.token) {
    const basic = Buffer.from(`x-access-token:${secret.token}`).toString('base64');
    return {
      env: {
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'http.extraHeader',
        GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
      },
      cleanup: async () => {},
    };
  }
  if (secret.sshPrivateKey) {
    const dir = join(deps.dataDir, 'mirror-keys');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const keyFile = join(dir, `${randomUUID()}.key`);
    await writeFile(keyFile, secret.sshPrivateKey.endsWith('\n') ? secret.sshPrivateKey : `${secret.sshPrivateKey}\n`, {
      mode: 0o600,
    });
    await chmod(keyFile, 0o600);
    const knownHosts = join(deps.dataDir, 'mirror-known-hosts');
    return {
      env: {
        // Trust on first use, then pinned in our own known-hosts file (a changed host key fails the push).
        GIT_SSH_COMMAND: `ssh -i '${keyFile}' -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile='${knownHosts}'`,
      },
      cleanup: () => rm(keyFile, { force: true }),
    };
  }
  return { env: {}, cleanup: async () => {} };
}

/** One push of the location's branch, merging a remote that moved ahead; throws when it can't. */
export async function pushMirror(deps: GitMirrorDeps, location: StorageLocationRow): Promise<void> {
  if (!location.mirrorUrl) return;
  const { gitDir, branchRef } = await ensureGitRepository(locationPath(deps.dataDir, location.path));
  const remoteBranch = `refs/heads/${location.mirrorBranch || branchRef.replace(/^refs\/heads\//, '')}`;
  const trackingRef = `refs/devicevault-mirror/${location.id}`;
  const credentials = await credentialEnv(deps, location);
  const env = credentials.env;
  try {
    for (let attempt = 0; attempt <= mergeAttempts; attempt++) {
      const local = (
        await git(gitDir, ['rev-parse', '--verify', '--quiet', `${branchRef}^{commit}`], { okCodes: [1] })
      ).stdout.trim();
      if (!local) return; // nothing committed yet
      try {
        await git(gitDir, ['push', '--porcelain', '--quiet', location.mirrorUrl, `${local}:${remoteBranch}`], { env });
        return;
      } catch (error) {
        if (!(error instanceof GitError) || !/rejected|non-fast-forward|fetch first/i.test(error.stderr)) throw error;
        if (attempt === mergeAttempts) throw error;
      }
      // The remote moved ahead: fetch it and merge it into our branch (a compare-and-swap, as commits do).
      await git(gitDir, ['fetch', '--quiet', '--no-tags', location.mirrorUrl, `+${remoteBranch}:${trackingRef}`], {
        env,
      });
      const remote = (await git(gitDir, ['rev-parse', trackingRef])).stdout.trim();
      await mergeInto(gitDir, branchRef, local, remote);
    }
  } finally {
    await credentials.cleanup();
  }
}

/** Points our branch at a merge of `local` and `remote` unless it moved meanwhile (then the next round sees it). */
async function mergeInto(gitDir: string, branchRef: string, local: string, remote: string) {
  const ahead = await git(gitDir, ['merge-base', '--is-ancestor', remote, local], { okCodes: [1] });
  if (ahead.code === 0) return; // already contains the remote; the push will fast-forward
  const merged = await git(gitDir, ['merge-tree', '--write-tree', '--no-messages', local, remote], { okCodes: [1] });
  // Exit 1: conflicts (both sides changed one file). Our recorded versions win; the remote's commits stay in history.
  const tree =
    merged.code === 0
      ? merged.stdout.trim().split('\n')[0]!
      : (await git(gitDir, ['rev-parse', `${local}^{tree}`])).stdout.trim();
  const when = `@${Math.floor(Date.now() / 1000)} +0000`;
  const commit = (
    await git(gitDir, ['commit-tree', tree, '-p', local, '-p', remote, '-F', '-'], {
      input: 'Merge the mirror remote, which had moved ahead\n',
      env: {
        GIT_AUTHOR_NAME: 'DeviceVault',
        GIT_AUTHOR_EMAIL: 'devicevault@devicevault.invalid',
        GIT_AUTHOR_DATE: when,
        GIT_COMMITTER_NAME: 'DeviceVault',
        GIT_COMMITTER_EMAIL: 'devicevault@devicevault.invalid',
        GIT_COMMITTER_DATE: when,
      },
    })
  ).stdout.trim();
  await git(gitDir, ['update-ref', branchRef, commit, local], { okCodes: [1, 128] });
}

export function createGitMirrors(deps: GitMirrorDeps) {
  const states = new Map<string, MirrorState>();
  const base = deps.retryBaseMs ?? 5_000;
  const max = deps.maxRetryMs ?? 300_000;
  let stopped = false;

  function stateOf(locationId: string): MirrorState {
    let state = states.get(locationId);
    if (!state) {
      state = { running: false, again: false, failures: 0 };
      states.set(locationId, state);
    }
    return state;
  }

  async function recordSuccess(location: StorageLocationRow) {
    await deps.db.transaction(async (tx) => {
      await tx
        .update(storageLocations)
        .set({ lastPushAt: new Date(), lastPushError: null, lastPushErrorAt: null })
        .where(eq(storageLocations.id, location.id));
      if (location.lastPushError)
        await tx
          .insert(events)
          .values({ kind: 'GIT_PUSH_RECOVERED', payload: { storageLocationId: location.id, name: location.name } });
    });
  }

  async function recordFailure(location: StorageLocationRow, error: string) {
    await deps.db.transaction(async (tx) => {
      await tx
        .update(storageLocations)
        .set({ lastPushError: error, lastPushErrorAt: new Date() })
        .where(eq(storageLocations.id, location.id));
      // One event per transition to failing, not one per retry.
      if (!location.lastPushError)
        await tx.insert(events).values({
          kind: 'GIT_PUSH_FAILING',
          payload: { storageLocationId: location.id, name: location.name, error },
        });
    });
  }

  async function run(locationId: string) {
    const state = stateOf(locationId);
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    if (state.retry) clearTimeout(state.retry);
    state.retry = undefined;
    try {
      do {
        state.again = false;
        const [location] = await deps.db.select().from(storageLocations).where(eq(storageLocations.id, locationId));
        if (!location?.mirrorUrl || location.kind !== 'git') return;
        try {
          await pushMirror(deps, location);
          state.failures = 0;
          await recordSuccess(location);
        } catch (error) {
          const message = (error instanceof GitError ? error.message : String(error)).slice(0, 500);
          state.failures++;
          deps.log.warn('git mirror push failed', { location: location.name, error: message });
          await recordFailure(location, message);
          if (!stopped) {
            const delay = Math.min(max, base * 2 ** (state.failures - 1));
            state.retry = setTimeout(() => void run(locationId), delay);
            state.retry.unref();
          }
          return;
        }
      } while (state.again && !stopped);
    } catch (error) {
      deps.log.error('git mirror bookkeeping failed', { error: String(error) });
    } finally {
      state.running = false;
    }
  }

  return {
    /** Push this location soon (after a commit); a push already running takes this one along. */
    pushSoon(locationId: string) {
      if (!stopped) void run(locationId);
    },
    /** Pushes every mirrored location once (at start: catches up commits made while the remote was away). */
    async pushAll() {
      const rows = await deps.db
        .select({ id: storageLocations.id })
        .from(storageLocations)
        .where(and(eq(storageLocations.kind, 'git'), isNotNull(storageLocations.mirrorUrl)));
      for (const row of rows) void run(row.id);
    },
    /** Waits until no push is running for the location (tests, shutdown). */
    async idle(locationId: string) {
      while (stateOf(locationId).running) await new Promise((resolve) => setTimeout(resolve, 20));
    },
    /**
     * No new pushes; waits (up to 10 s) for running ones, which write in the location's repository: the
     * data dir may be removed next (a test's teardown removing it under a push failed with ENOTEMPTY).
     */
    async stop() {
      stopped = true;
      for (const state of states.values()) if (state.retry) clearTimeout(state.retry);
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
        if (![...states.values()].some((state) => state.running)) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}
