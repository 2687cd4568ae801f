/**
 * Collection throughput (issue 13): N devices replaying Oxidized's Arista EOS recording over real SSH, all
 * triggered at once through the real server (claim → collect → store → record → events), timed until every
 * job is terminal; beside OpenSSH's `ssh` forked per device with `xargs -P 64` against the same replay
 * servers in the same run. Prints devices/s of both and their ratio, the server's CPU per job (every thread of
 * the process: the SSH clients run in its workers) beside each OpenSSH client's, and the server's RSS growth.
 * The replay servers run in a child process so their CPU never counts as the server's.
 *
 * `--remote` (issue 13 item 5) adds a second run of the same devices, on a fresh server, with the devices in a zone
 * collected by one `devicevault collector` child process on loopback (the same worker threads and sessions per
 * worker as the server's pool); it prints devices/s of both runs and their ratio (remote / in-process), the
 * server's CPU per job in both (in the remote run the server claims, hands out credentials, receives the uploads,
 * stores and records; the collector's CPU per job is printed beside it).
 *
 *   node --conditions=source --import tsx bench/collection-throughput.ts [--devices N] [--quick] [--workers N]
 *     [--replay-servers N] [--skip-baseline] [--remote]
 * PostgreSQL when DATABASE_URL is set (a fresh database on it per run), PGlite otherwise. E.g. the remote figure:
 *   DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres \
 *     node --conditions=source --import tsx bench/collection-throughput.ts --remote --skip-baseline [--quick]
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { defaultSessionsPerWorker, readEnv } from '../apps/server/src/env.js';
import { loadRecording } from '../packages/plugins/src/replay/load-recording.js';
import { fixturesRoot } from '../packages/plugins/test/support/replay-collect.js';
import { rowsOf } from '../packages/schema/src/db/database.js';
import { devices } from '../packages/schema/src/db/tables.js';
import { startBenchApp } from './support/bench-app.js';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string' },
    quick: { type: 'boolean', default: false },
    workers: { type: 'string' },
    'replay-servers': { type: 'string', default: '8' },
    'skip-baseline': { type: 'boolean', default: false },
    parallel: { type: 'string', default: '64' },
    remote: { type: 'boolean', default: false },
  },
});
const deviceCount = Number(args.devices ?? (args.quick ? 200 : 1000));
const recordingFile = join(fixturesRoot, 'eos/DCS-7050SX3-48YC8_4.29.2F.simulation.yaml');
const fleetScript = fileURLToPath(new URL('./support/replay-fleet.ts', import.meta.url));
const serverDir = fileURLToPath(new URL('../apps/server/', import.meta.url));

const fleet = await startReplayFleet(Number(args['replay-servers']));
const portOf = (index: number) => fleet.ports[index % fleet.ports.length]!;
console.log(
  `collection throughput: ${deviceCount} devices on ${fleet.ports.length} replay servers, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`,
);
try {
  const baseline = args['skip-baseline'] ? null : await runOpenSshBaseline();
  if (baseline) {
    console.log(
      `OpenSSH ssh forked per device (xargs -P ${args.parallel}): ${baseline.ok}/${deviceCount} ok in ${(baseline.ms / 1000).toFixed(2)} s = ${rate(deviceCount, baseline.ms)} devices/s; CPU ${(baseline.cpuMs / deviceCount).toFixed(1)} ms per client`,
    );
  }
  const server = await runServer(false);
  printRun('DeviceVault', server);
  if (baseline) {
    console.log(
      `ratio: ${(baseline.ms / server.ms).toFixed(2)}× the OpenSSH-fork baseline (goal ≥ 1.0 PostgreSQL, ≥ 0.7 PGlite)`,
    );
  }
  console.log(`collection_devices_per_second=${rate(deviceCount, server.ms)}`);
  console.log(`collection_cpu_ms_per_job=${(server.cpuMs / deviceCount).toFixed(1)}`);
  console.log(`collection_rss_growth_mb=${(server.rssGrowth / 1e6).toFixed(0)}`);
  if (baseline) console.log(`collection_throughput_ratio=${(baseline.ms / server.ms).toFixed(2)}`);
  if (args.remote) {
    const remote = await runServer(true);
    printRun('DeviceVault through one remote collector on loopback', remote);
    console.log(
      `ratio: remote collector ${(server.ms / remote.ms).toFixed(2)}× the in-process run's devices/s; ` +
        `server CPU per job ${(remote.cpuMs / deviceCount).toFixed(1)} ms remote vs ${(server.cpuMs / deviceCount).toFixed(1)} ms in-process`,
    );
    console.log(`remote_collection_devices_per_second=${rate(deviceCount, remote.ms)}`);
    console.log(`remote_collection_cpu_ms_per_job=${(remote.cpuMs / deviceCount).toFixed(1)}`);
    console.log(`remote_collector_cpu_ms_per_job=${((remote.collectorCpuMs ?? 0) / deviceCount).toFixed(1)}`);
    console.log(`remote_collection_ratio=${(server.ms / remote.ms).toFixed(2)}`);
  }
} finally {
  await fleet.close();
}

function printRun(label: string, run: Awaited<ReturnType<typeof runServer>>) {
  const collector =
    run.collectorCpuMs === undefined
      ? ''
      : `; collector CPU ${(run.collectorCpuMs / deviceCount).toFixed(1)} ms per job`;
  console.log(
    `${label} (${run.settings}): ${run.succeeded} succeeded, ${run.failed} failed of ${deviceCount} in ${(run.ms / 1000).toFixed(2)} s = ${rate(deviceCount, run.ms)} devices/s; ` +
      `server CPU ${(run.cpuMs / deviceCount).toFixed(1)} ms per job${collector}; RSS growth ${(run.rssGrowth / 1e6).toFixed(0)} MB (peak ${(run.peakRss / 1e6).toFixed(0)} MB)`,
  );
  console.log(`  ${run.phases}`);
  if (run.failures.length > 0) console.log(`  failures: ${run.failures.join('; ')}`);
  if (run.collectorLeaseLostLines)
    console.log(
      `  the collector logged "the server took it back (lease lost)" ${run.collectorLeaseLostLines} times (a renewal that crossed the job's finish: the server no longer holds a job whose outcome it has)`,
    );
}

function rate(count: number, ms: number) {
  return ((count * 1000) / ms).toFixed(1);
}

async function startReplayFleet(servers: number) {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', fleetScript, recordingFile, String(servers)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`replay fleet exited with ${code}`)));
  });
  const { ports } = JSON.parse(first) as { ports: number[] };
  return {
    ports,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

/** `ssh` once per device, 64 at a time, typing the recording's commands into a shell as the plugin does. */
async function runOpenSshBaseline() {
  const dir = await mkdtemp(join(tmpdir(), 'dv-bench-ssh-'));
  try {
    const recording = await loadRecording(recordingFile);
    const inputs = recording.exchanges.map((exchange) => exchange.input);
    // The logout last, as the plugin sends it.
    inputs.sort((a, b) => Number(/^exit/.test(a)) - Number(/^exit/.test(b)));
    await writeFile(join(dir, 'commands'), inputs.join(''));
    await writeFile(join(dir, 'askpass'), '#!/bin/sh\necho rocks\n');
    await chmod(join(dir, 'askpass'), 0o700);
    await writeFile(join(dir, 'ports'), `${Array.from({ length: deviceCount }, (_, i) => portOf(i)).join('\n')}\n`);
    const ssh = [
      'ssh -F /dev/null -T -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR',
      '-o PubkeyAuthentication=no -o PreferredAuthentications=password -o ConnectTimeout=60',
      `-p {} oxidized@127.0.0.1 < ${dir}/commands`,
    ].join(' ');
    // The replay server hangs up after the logout without an exit status (ssh exits 255, as with many real
    // devices): a device counts as collected when the whole session came back.
    const perDevice = `case "$(${ssh})" in *"#exit"*) echo ok;; esac`;
    // bash's `times` prints the CPU of every child it waited for (xargs, and through it each sh, ssh and askpass).
    const script = `xargs -P ${args.parallel} -I{} sh -c '${perDevice}' < ${dir}/ports; times`;
    const started = performance.now();
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('bash', ['-c', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, SSH_ASKPASS: join(dir, 'askpass'), SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' },
      });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      child.once('error', reject);
      child.once('close', () => resolve(text));
    });
    const ms = performance.now() - started;
    const lines = output.trim().split('\n');
    const ok = lines.filter((line) => line === 'ok').length;
    const [user, system] = (lines.at(-1) ?? '').split(/\s+/).map(parseTimes);
    return { ms, ok, cpuMs: (user ?? 0) + (system ?? 0) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `0m1.234s` → ms */
function parseTimes(value: string) {
  const match = /^(\d+)m([\d.]+)s$/.exec(value);
  return match ? (Number(match[1]) * 60 + Number(match[2])) * 1000 : 0;
}

/** The fleet through the server's own pool, or (`remote`) through one `devicevault collector` of the devices' zone. */
async function runServer(remote: boolean) {
  // The defaults a fresh install gets, with nothing tuned.
  const defaults = readEnv({ DEVICEVAULT_DEMO: '0' });
  const workers = args.workers ? Number(args.workers) : defaults.workers;
  // A --workers run shares the default 128 sessions among its threads, as the server would.
  const sessionsPerWorker = args.workers
    ? defaultSessionsPerWorker(workers)
    : (defaults.sessionsPerWorker ?? defaultSessionsPerWorker(workers));
  const bench = await startBenchApp({ workers, sessionsPerWorker, jobTimeoutSeconds: defaults.jobTimeoutSeconds });
  let collector: Awaited<ReturnType<typeof startCollector>> | undefined;
  try {
    const created = await bench.gql<{ createCredential: { credential: { id: string } } }>(
      'mutation { createCredential(input: { name: "replay", username: "oxidized", secret: "rocks" }) { ... on CreateCredentialSuccess { credential { id } } } }',
    );
    const credentialId = created.data?.createCredential.credential.id;
    if (!credentialId) throw new Error(`createCredential failed: ${JSON.stringify(created.errors)}`);
    const zoneId = remote ? await createZone(bench) : null;
    const { db } = bench.app.database;
    for (let start = 0; start < deviceCount; start += 500) {
      const rows = Array.from({ length: Math.min(500, deviceCount - start) }, (_, offset) => ({
        name: `eos-${start + offset}`,
        host: '127.0.0.1',
        port: portOf(start + offset),
        pluginKey: 'arista_eos',
        credentialId,
        zoneId,
      }));
      await db.insert(devices).values(rows);
    }
    if (remote) collector = await startCollector(bench, zoneId!, workers, sessionsPerWorker);
    global.gc?.();
    const startRss = process.memoryUsage.rss();
    let peakRss = startRss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 100);
    const cpuBefore = process.cpuUsage();
    const collectorCpuBefore = collector ? await processCpuMs(collector.child.pid!) : 0;
    const started = performance.now();
    const triggered = await bench.gql<{ triggerBackup: { queuedCount: number } }>(
      'mutation { triggerBackup(input: { all: true }) { ... on TriggerBackupSuccess { queuedCount } } }',
    );
    if (triggered.data?.triggerBackup.queuedCount !== deviceCount)
      throw new Error(`triggerBackup: ${JSON.stringify(triggered)}`);
    let counts = { succeeded: 0, failed: 0 };
    while (counts.succeeded + counts.failed < deviceCount) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      counts = await terminalCounts(db);
    }
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const collectorCpuMs = collector ? (await processCpuMs(collector.child.pid!)) - collectorCpuBefore : undefined;
    clearInterval(sampler);
    const failures = counts.failed > 0 ? await failureCodes(db) : [];
    const phases = await jobPhases(db);
    return {
      settings: `${workers} worker threads${args.workers ? '' : ' (default)'}, ${sessionsPerWorker} sessions each${remote ? ', in the collector' : ''}`,
      ms,
      collectorCpuMs,
      collectorLeaseLostLines: collector?.counts.leaseLost,
      ...counts,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRss,
      rssGrowth: peakRss - startRss,
      failures,
      phases,
    };
  } finally {
    if (collector) {
      collector.child.kill('SIGTERM');
      await collector.exit;
    }
    await bench.stop();
  }
}

async function createZone(bench: Awaited<ReturnType<typeof startBenchApp>>) {
  const zone = await bench.gql<{ createZone: { zone: { id: string } } }>(
    'mutation { createZone(input: { name: "bench-site" }) { ... on CreateZoneSuccess { zone { id } } } }',
  );
  const zoneId = zone.data?.createZone.zone.id;
  if (!zoneId) throw new Error(`createZone failed: ${JSON.stringify(zone.errors)}`);
  return zoneId;
}

/** One `devicevault collector` child process of the zone on loopback; resolves once it has started. */
async function startCollector(
  bench: Awaited<ReturnType<typeof startBenchApp>>,
  zoneId: string,
  workers: number,
  sessionsPerWorker: number,
) {
  const created = await bench.gql<{ createCollector: { token: string } }>(
    'mutation ($zoneId: ID!) { createCollector(input: { name: "bench-collector", zoneId: $zoneId }) { ... on CreateCollectorSuccess { token } } }',
    { zoneId },
  );
  const token = created.data?.createCollector.token;
  if (!token) throw new Error(`createCollector failed: ${JSON.stringify(created.errors)}`);
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      'src/cli/main.ts',
      'collector',
      '--server',
      bench.url,
      '--token',
      token,
      '--workers',
      String(workers),
      '--sessions-per-worker',
      String(sessionsPerWorker),
    ],
    { cwd: serverDir, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exit = new Promise((resolve) => child.once('exit', resolve));
  // Its per-job lines are drained (a full pipe would stall it) and counted; other lines are shown.
  const counts = { leaseLost: 0 };
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line.includes('collector started')) resolve();
      else if (line.includes('the server took it back (lease lost)')) counts.leaseLost++;
      else if (!line.includes(': collecting ') && !/job \S+: (succeeded|failed)/.test(line))
        console.log(`  collector: ${line}`);
    });
    child.once('exit', (code) => reject(new Error(`the collector exited with ${code}`)));
  });
  return { child, exit, counts };
}

/** A process's user + system CPU from /proc (every thread: the collector's SSH sessions run in its workers). */
async function processCpuMs(pid: number) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 (1-based) of the whole line; `fields` starts at field 3.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

type Db = Awaited<ReturnType<typeof startBenchApp>>['app']['database']['db'];

async function terminalCounts(db: Db) {
  const rows = (await db.execute(sql`
    /* benchTerminalCounts */
    select count(*) filter (where status = 'succeeded')::int as succeeded,
      count(*) filter (where status = 'failed')::int as failed
    from jobs`)) as unknown;
  return rowsOf<{ succeeded: number; failed: number }>(rows)[0] ?? { succeeded: 0, failed: 0 };
}

async function failureCodes(db: Db) {
  const rows = (await db.execute(sql`
    select error_code as code, count(*)::int as n, min(error_message) as example
    from jobs where status = 'failed' group by error_code`)) as unknown;
  return rowsOf<{ code: string; n: number; example: string }>(rows).map(
    (row) => `${row.code} × ${row.n} (e.g. ${row.example})`,
  );
}

/** Where a job's time went: waiting to be claimed, then claimed until its final row. */
async function jobPhases(db: Db) {
  const rows = (await db.execute(sql`
    select
      percentile_cont(0.5) within group (order by extract(epoch from started_at - created_at)) * 1000 as wait50,
      max(extract(epoch from started_at - created_at)) * 1000 as wait_max,
      percentile_cont(0.5) within group (order by extract(epoch from finished_at - started_at)) * 1000 as run50,
      percentile_cont(0.95) within group (order by extract(epoch from finished_at - started_at)) * 1000 as run95
    from jobs where finished_at is not null`)) as unknown;
  const row = rowsOf<Record<string, number>>(rows)[0] ?? {};
  // The log lines' times split a job: claimed → first line (load), → storing (collect), → final (store, record).
  const steps = (await db.execute(sql`
    with lines as (
      select j.started_at, j.finished_at,
        (select min((l->>'at')::timestamptz) from jsonb_array_elements(j.log) l where l->>'status' = 'running') as collecting,
        (select min((l->>'at')::timestamptz) from jsonb_array_elements(j.log) l where l->>'status' = 'storing') as storing
      from jobs j where j.status = 'succeeded')
    select
      percentile_cont(0.5) within group (order by extract(epoch from collecting - started_at)) * 1000 as load50,
      percentile_cont(0.5) within group (order by extract(epoch from storing - collecting)) * 1000 as collect50,
      percentile_cont(0.5) within group (order by extract(epoch from finished_at - storing)) * 1000 as store50
    from lines`)) as unknown;
  const step = rowsOf<Record<string, number>>(steps)[0] ?? {};
  const ms = (value: unknown) => `${Math.round(Number(value))} ms`;
  return (
    `queue wait p50 ${ms(row.wait50)} (max ${ms(row.wait_max)}); claimed → recorded p50 ${ms(row.run50)}, p95 ${ms(row.run95)} ` +
    `(p50 claimed → collecting ${ms(step.load50)}, collecting → storing ${ms(step.collect50)}, storing → recorded ${ms(step.store50)})`
  );
}
