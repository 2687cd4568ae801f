/**
 * Server-side diff versus `git diff --no-index`: two 50k-line configs with 1 % of lines changed (edits,
 * insertions, deletions). Both produce a unified diff; ours from the strings the server already holds, git
 * from files (process start included, as a caller would pay it). Goal: ratio ours/git ≤ 3.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffTexts } from '../packages/schema/src/text-diff.js';
import { percentile } from './support/bench-app.js';

const lines = 50_000;
const changed = lines / 100;
const rounds = 15;

let seed = 7;
function random() {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}

const old = Array.from({ length: lines }, (_, i) =>
  i % 40 === 0 ? '!' : i % 40 === 1 ? `interface GigabitEthernet1/0/${i}` : ` description port ${i} vlan ${i % 400}`,
);
const next = [...old];
for (let edit = 0; edit < changed; edit++) {
  const at = Math.floor(random() * next.length);
  const kind = random();
  if (kind < 0.2) next.splice(at, 1);
  else if (kind < 0.4) next.splice(at, 0, ` ip address 10.${edit % 255}.0.1 255.255.255.0`);
  else next[at] = ` description changed ${edit}`;
}
const oldText = `${old.join('\n')}\n`;
const newText = `${next.join('\n')}\n`;

function gitDiff(dir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['diff', '--no-index', '--no-color', 'old.txt', 'new.txt'],
      { cwd: dir, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout) => {
        if (error && error.code !== 1) reject(error);
        else resolve(stdout);
      },
    );
  });
}

const dir = await mkdtemp(join(tmpdir(), 'dv-bench-diff-'));
try {
  await writeFile(join(dir, 'old.txt'), oldText);
  await writeFile(join(dir, 'new.txt'), newText);
  const oursMs: number[] = [];
  const gitMs: number[] = [];
  let oursResult = diffTexts(oldText, newText);
  let gitResult = '';
  for (let round = 0; round < rounds; round++) {
    let start = performance.now();
    gitResult = await gitDiff(dir);
    gitMs.push(performance.now() - start);
    start = performance.now();
    oursResult = diffTexts(oldText, newText, { context: 3 });
    oursMs.push(performance.now() - start);
  }
  const gitAdded = gitResult.split('\n').filter((line) => line.startsWith('+') && !line.startsWith('+++')).length;
  const gitRemoved = gitResult.split('\n').filter((line) => line.startsWith('-') && !line.startsWith('---')).length;
  const ours = percentile(oursMs, 50);
  const git = percentile(gitMs, 50);
  console.log(`configs: ${lines} lines, ${changed} edits (1 %), ${rounds} interleaved rounds, median times`);
  console.log(`git diff --no-index: ${git.toFixed(1)} ms (+${gitAdded} -${gitRemoved}, ${gitResult.length} bytes)`);
  console.log(
    `DeviceVault diff:    ${ours.toFixed(1)} ms (+${oursResult.added} -${oursResult.removed}, ${oursResult.hunks.length} hunks, ${oursResult.unified.length} bytes)`,
  );
  console.log(`ratio ours/git: ${(ours / git).toFixed(2)} (goal <= 3)`);
  console.log(`diff_time_ratio=${(ours / git).toFixed(3)}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
