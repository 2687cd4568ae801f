/**
 * `--replay FILE`: plays a recorded session (our fixture format, e.g. what `devicevault record` wrote) on a
 * replay SSH server on loopback and points the collection at it, with the placeholders `record` put in place
 * of the passwords (a model that types a password again then matches the recording).
 */
import { loadRecording } from '@devicevault/plugins/replay/load-recording';
import { redactedEnablePassword, redactedPassword } from '@devicevault/plugins/replay/redact-recording';
import { startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { readRecordMeta } from '@devicevault/plugins/replay/write-recording';
import type { CollectCommand } from './collect-command.js';

export async function startReplayOf(
  file: string,
  command: CollectCommand,
): Promise<{ command: CollectCommand; close(): Promise<void> }> {
  const recording = await loadRecording(file);
  const meta = await readRecordMeta(file);
  if (meta?.plugin && meta.plugin !== command.plugin.key) {
    throw new Error(`it was recorded with ${meta.plugin}, not ${command.plugin.key}`);
  }
  const username = command.username || meta?.username || 'devicevault';
  const password = command.password || redactedPassword;
  const server = await startReplayServer(recording, { username, password });
  return {
    command: {
      ...command,
      host: '127.0.0.1',
      port: server.port,
      username,
      password,
      enablePassword: command.enablePassword ?? (meta?.enable_password ? redactedEnablePassword : undefined),
      hostKey: server.hostKeyFingerprint,
      // Options given on the command line win over the ones it was recorded with.
      options: { ...(meta?.options ?? {}), ...command.options },
    },
    close: () => server.close(),
  };
}
