#!/usr/bin/env node
// `npm start`: builds (cached by turbo), then runs the server (:4000, or PORT) and the dashboard (:3000, or
// WEB_PORT) together, each told where the other is. Either one exiting stops the other; Ctrl-C stops both.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', TURBO_TELEMETRY_DISABLED: '1' };

if (env.DEVICEVAULT_SKIP_BUILD !== '1') {
  const build = spawnSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'inherit',
    env,
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const serverPort = env.PORT ?? '4000';
const webPort = env.WEB_PORT ?? '3000';
const children = [
  spawn(process.execPath, ['apps/server/dist/main.js'], {
    cwd: root,
    stdio: 'inherit',
    // The server answers cross-origin requests only from the dashboard's origin.
    env: {
      ...env,
      PORT: serverPort,
      DEVICEVAULT_WEB_ORIGIN: env.DEVICEVAULT_WEB_ORIGIN ?? `http://localhost:${webPort}`,
    },
  }),
  spawn(process.execPath, ['apps/web/.next/standalone/apps/web/server.js'], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...env,
      PORT: webPort,
      HOSTNAME: env.WEB_HOST ?? '0.0.0.0',
      // Unset, the browser assumes the API on port 4000 of the host it loaded the dashboard from.
      DEVICEVAULT_GRAPHQL_URL:
        env.DEVICEVAULT_GRAPHQL_URL ?? (serverPort === '4000' ? '' : `http://localhost:${serverPort}/graphql`),
    },
  }),
];
console.log(`DeviceVault: dashboard http://localhost:${webPort}  ·  API http://localhost:${serverPort}/graphql`);

let stopping = false;
function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 5_000).unref();
  Promise.all(
    children.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null)),
  ).then(() => process.exit(code));
}
for (const child of children) child.once('exit', (code) => stopAll(code ?? 1));
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stopAll(0));
