/**
 * A replay SSH device in a process of its own, so a test can start it inside a network namespace
 * (`ip netns exec NS node … replay-child.ts RECORDING HOST [FAULT]`). Prints `{"port":…}` once listening and
 * runs until killed.
 */
import { loadRecording } from '@devicevault/plugins/replay/load-recording';
import { type ReplayFault, startReplayServer } from '@devicevault/plugins/replay/replay-server';

const [recordingPath, host = '127.0.0.1', fault] = process.argv.slice(2);
const recording = await loadRecording(recordingPath!);
const replay = await startReplayServer(recording, {
  username: 'netops',
  password: 'pw',
  host,
  fault: fault as ReplayFault | undefined,
});
process.stdout.write(`${JSON.stringify({ port: replay.port })}\n`);
process.on('SIGTERM', () => void replay.close().then(() => process.exit(0)));
