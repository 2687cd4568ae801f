/** Small builders shared by the replay tests: a recorded device on a real port, and a collect context. */
import { fileURLToPath } from 'node:url';
import type { Artefact, BackupPlugin, CollectContext, CollectTimeouts } from '../../src/contract.js';
import type { Recording } from '../../src/replay/load-recording.js';
import { type ReplayServerOptions, startReplayServer } from '../../src/replay/replay-server.js';

export const fixturesRoot = fileURLToPath(new URL('../../fixtures/device-sessions', import.meta.url));

export const credentials = { username: 'oxidized', password: 'rocks' };

export interface ReplayCollectOptions {
  scrubSecrets?: boolean;
  fault?: ReplayServerOptions['fault'];
  timeouts?: Partial<CollectTimeouts>;
  maxTextBytes?: number;
  password?: string;
  pinnedFingerprint?: string | null;
  dripIntervalMs?: number;
  /** The password the replay device accepts and the target logs in with (a recording's `password:`). */
  devicePassword?: string;
  /** Plugin options (Oxidized node vars) for the target, e.g. from a recording's `options.yaml`. */
  options?: Record<string, string>;
}

export function buildContext(port: number, options: ReplayCollectOptions = {}): CollectContext {
  return {
    target: {
      host: '127.0.0.1',
      port,
      username: credentials.username,
      password: options.password ?? options.devicePassword ?? credentials.password,
      hostKeyFingerprint: options.pinnedFingerprint ?? null,
      options: options.options ?? {},
    },
    signal: new AbortController().signal,
    timeouts: { connectMs: 2000, idleMs: 2000, overallMs: 10_000, ...options.timeouts },
    maxTextBytes: options.maxTextBytes ?? 8 * 1024 * 1024,
    scrubSecrets: options.scrubSecrets ?? false,
    spoolDir: '/nonexistent',
    progress() {},
  };
}

/** Serves `recording` on a fresh replay server, collects through `plugin` over SSH, stops the server. */
export async function collectFromRecording(
  plugin: BackupPlugin,
  recording: Recording,
  options: ReplayCollectOptions = {},
): Promise<Artefact> {
  const server = await startReplayServer(recording, {
    ...credentials,
    password: options.devicePassword ?? credentials.password,
    fault: options.fault,
    dripIntervalMs: options.dripIntervalMs,
  });
  try {
    return await plugin.collect(buildContext(server.port, options));
  } finally {
    await server.close();
  }
}

/** Oxidized's check files hold Ruby regexes: `^`/`$` are line anchors there, `\h` is a hex digit. */
export function rubyRegExp(source: string): RegExp {
  return new RegExp(source.replace(/\\h/g, '[0-9a-fA-F]'), 'm');
}
