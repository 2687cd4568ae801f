/**
 * SFTP download throughput and memory: OpenSSH's own `sftp` client against our downloadSftpFile, both
 * fetching the same 250 MB file from the same loopback sshd in one run, so the ratio is comparable.
 * Goals: ratio ≥ 0.5, peak RSS growth during our download ≤ 64 MB.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { downloadSftpFile, openSftp } from '../packages/plugins/src/transports/sftp-download.js';
import { writeRandomFile } from '../packages/plugins/test/support/random-file.js';
import { connectToSshd, type RunningSshd, sftpClientPath, startSshd } from '../packages/plugins/test/support/sshd.js';
import { makeTempDir } from '../packages/plugins/test/support/temp-dir.js';

const run = promisify(execFile);
const fileSize = 250 * 1000 * 1000;
const megabyte = 1000 * 1000;
const rounds = 3;

function rate(bytes: number, ms: number): number {
  return bytes / megabyte / (ms / 1000);
}

async function timeOpenSsh(sshd: RunningSshd, dir: string, remotePath: string): Promise<number> {
  const copy = join(dir, 'openssh-copy.bin');
  const batchPath = join(dir, 'batch');
  await writeFile(batchPath, `get ${remotePath} ${copy}\n`);
  const start = performance.now();
  await run(sftpClientPath, [
    '-q',
    '-b',
    batchPath,
    '-i',
    sshd.privateKeyPath,
    '-P',
    String(sshd.port),
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    `${sshd.username}@127.0.0.1`,
  ]);
  const ms = performance.now() - start;
  if ((await stat(copy)).size !== fileSize) throw new Error('OpenSSH sftp fetched the wrong size');
  await rm(copy);
  return ms;
}

/** One download with RSS sampled every 50 ms against the level just before it started. */
async function timeOurs(
  sshd: RunningSshd,
  spoolDir: string,
  remotePath: string,
  expectedSha256: string,
): Promise<{ ms: number; rssGrowthMb: number }> {
  const client = await connectToSshd(sshd);
  const ctx = {
    spoolDir,
    signal: new AbortController().signal,
    timeouts: { connectMs: 10_000, idleMs: 30_000, overallMs: 600_000 },
    progress: () => {},
  };
  const sftp = await openSftp(client, ctx);
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const start = performance.now();
  const artefact = await downloadSftpFile(sftp, remotePath, ctx);
  const ms = performance.now() - start;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  client.end();
  await rm(artefact.spoolPath);
  if (artefact.size !== fileSize || artefact.sha256 !== expectedSha256) {
    throw new Error(`our download is wrong: ${artefact.size} bytes, sha256 ${artefact.sha256}`);
  }
  return { ms, rssGrowthMb: (peakRss - baselineRss) / (1024 * 1024) };
}

async function main(): Promise<void> {
  const dir = await makeTempDir('bench-sftp');
  const sshd = await startSshd(dir.path);
  try {
    const remotePath = join(dir.path, 'image.bin');
    const expectedSha256 = await writeRandomFile(remotePath, fileSize);

    const spoolDir = join(dir.path, 'spool');
    await mkdir(spoolDir);
    const opensshRuns: number[] = [];
    const ourRuns: number[] = [];
    let growthMb = 0;
    // Interleaved rounds, best of each: the first transfer of a run pays for cold caches and JIT warm-up,
    // and two cores shared by sshd, the client and disk writeback make single samples noisy.
    for (let round = 0; round < rounds; round++) {
      opensshRuns.push(await timeOpenSsh(sshd, dir.path, remotePath));
      const ours = await timeOurs(sshd, spoolDir, remotePath, expectedSha256);
      ourRuns.push(ours.ms);
      growthMb = Math.max(growthMb, ours.rssGrowthMb);
    }

    const openssh = rate(fileSize, Math.min(...opensshRuns));
    const ours = rate(fileSize, Math.min(...ourRuns));
    const list = (runs: number[]) => runs.map((ms) => rate(fileSize, ms).toFixed(1)).join(', ');
    console.log(`file: ${fileSize / megabyte} MB from sshd on 127.0.0.1, ${rounds} interleaved rounds`);
    console.log(`OpenSSH sftp -b:    best ${openssh.toFixed(1)} MB/s (runs: ${list(opensshRuns)})`);
    console.log(`downloadSftpFile:   best ${ours.toFixed(1)} MB/s (runs: ${list(ourRuns)})`);
    console.log(`ratio ours/OpenSSH: ${(ours / openssh).toFixed(2)} (goal >= 0.5)`);
    console.log(`peak RSS growth during our downloads: ${growthMb.toFixed(1)} MB (goal <= 64)`);
    console.log(`sftp_throughput_ratio=${(ours / openssh).toFixed(3)}`);
    console.log(`peak_rss_growth_mb=${growthMb.toFixed(1)}`);
  } finally {
    await sshd.stop();
    await dir.remove();
  }
}

await main();
