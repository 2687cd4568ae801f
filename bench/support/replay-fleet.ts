/**
 * A child process serving one recording on several replay servers, so the devices' side of a benchmark never
 * counts in the server's CPU. Prints `{ "ports": [...] }` once listening; exits when its stdin closes.
 * Usage: replay-fleet.ts <simulation.yaml> <servers>
 */
import { loadRecording } from '../../packages/plugins/src/replay/load-recording.js';
import { startReplayServer } from '../../packages/plugins/src/replay/replay-server.js';

const [file, count = '4'] = process.argv.slice(2);
if (!file) throw new Error('usage: replay-fleet.ts <simulation.yaml> <servers>');
const recording = await loadRecording(file);
const servers = await Promise.all(
  Array.from({ length: Number(count) }, () =>
    startReplayServer(recording, { username: 'oxidized', password: 'rocks' }),
  ),
);
process.stdout.write(`${JSON.stringify({ ports: servers.map((server) => server.port) })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void Promise.all(servers.map((server) => server.close())).then(() => process.exit(0));
});
