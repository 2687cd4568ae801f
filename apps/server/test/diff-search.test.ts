/**
 * Content, diffs, version lists and config search over GraphQL, as clients call them.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRecording } from '@devicevault/plugins/replay/load-recording';
import { type ReplayServer, startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { diffTexts } from '@devicevault/schema/text-diff';
import { createCredential, createDevice, jobProgressSubscription, triggerBackup } from './support/builders.js';
import { seedVersion } from './support/seed-versions.js';
import { collectSubscription, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});

after(async () => {
  await server.stop();
});

const diffQuery = `query ($from: ID!, $to: ID!, $significantOnly: Boolean, $contextLines: Int) {
  diff(fromBackupId: $from, toBackupId: $to, significantOnly: $significantOnly, contextLines: $contextLines) {
    __typename
    ... on Diff { identical added removed unified hunks { oldStart oldLines newStart newLines header lines { kind oldNumber newNumber text } } }
    ... on ValidationError { field message }
    ... on Error { message }
  }
}`;

const searchQuery = `query ($pattern: String!, $regex: Boolean, $latestOnly: Boolean, $contextLines: Int, $first: Int, $after: String, $caseSensitive: Boolean) {
  searchConfigs(pattern: $pattern, regex: $regex, latestOnly: $latestOnly, contextLines: $contextLines, first: $first, after: $after, caseSensitive: $caseSensitive) {
    __typename
    ... on SearchConfigsConnection {
      edges { cursor node { device { name } backup { id } matchCount lines { number text isMatch } } }
      pageInfo { hasNextPage endCursor }
    }
    ... on ValidationError { field message }
  }
}`;

async function newDevice(name: string) {
  return createDevice(server, { pluginKey: 'noop', name });
}

/** Applies structured hunks to the old lines: must give the new lines exactly. */
function applyHunks(
  oldText: string,
  hunks: { oldStart: number; oldLines: number; lines: { kind: string; text: string }[] }[],
) {
  const old = oldText.split('\n');
  const out: string[] = [];
  let at = 0;
  for (const hunk of hunks) {
    const start = hunk.oldLines === 0 ? hunk.oldStart : hunk.oldStart - 1;
    out.push(...old.slice(at, start));
    for (const line of hunk.lines) {
      if (line.kind !== 'removed' && line.kind !== 'REMOVED') out.push(line.text);
    }
    at = start + hunk.oldLines;
  }
  out.push(...old.slice(at));
  return out.join('\n');
}

describe('diff', () => {
  it('returns unified text and hunks with line numbers for two text versions', async () => {
    const device = await newDevice('diff-r1');
    const from = await seedVersion(server, {
      deviceId: device.id,
      deviceName: device.name,
      bytes: 'hostname r1\ninterface Gi0/1\n shutdown\n!\nend\n',
    });
    const to = await seedVersion(server, {
      deviceId: device.id,
      deviceName: device.name,
      bytes: 'hostname r1\ninterface Gi0/1\n no shutdown\n description uplink\n!\nend\n',
    });

    const result = await server.gql(diffQuery, { from: from.id, to: to.id, contextLines: 1 });

    const diff = result.data.diff;
    assert.equal(diff.__typename, 'Diff');
    assert.equal(diff.identical, false);
    assert.deepEqual([diff.added, diff.removed], [2, 1]);
    assert.equal(
      diff.unified,
      `--- a/${from.id}\n+++ b/${to.id}\n@@ -2,3 +2,4 @@\n interface Gi0/1\n- shutdown\n+ no shutdown\n+ description uplink\n !\n`,
    );
    assert.deepEqual(diff.hunks[0].lines, [
      { kind: 'CONTEXT', oldNumber: 2, newNumber: 2, text: 'interface Gi0/1' },
      { kind: 'REMOVED', oldNumber: 3, newNumber: null, text: ' shutdown' },
      { kind: 'ADDED', oldNumber: null, newNumber: 3, text: ' no shutdown' },
      { kind: 'ADDED', oldNumber: null, newNumber: 4, text: ' description uplink' },
      { kind: 'CONTEXT', oldNumber: 4, newNumber: 5, text: '!' },
    ]);
  });

  it('agrees with git on what changed, and its hunks rebuild the new text, for random edits of a 3000-line config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dv-diff-'));
    try {
      let seed = 42;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const old = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? '!' : ` line ${i} value ${i % 13}`));
      const next = [...old];
      for (let edit = 0; edit < 60; edit++) {
        const at = Math.floor(random() * next.length);
        const kind = random();
        if (kind < 0.33) next.splice(at, 1);
        else if (kind < 0.66) next.splice(at, 0, ` inserted ${edit}`);
        else next[at] = ` changed ${edit}`;
      }
      const oldText = `${old.join('\n')}\n`;
      const newText = `${next.join('\n')}\n`;
      await writeFile(join(dir, 'old'), oldText);
      await writeFile(join(dir, 'new'), newText);

      const ours = diffTexts(oldText, newText, { context: 3 });
      let gitStat = '';
      try {
        execFileSync('git', ['diff', '--no-index', '--numstat', '--minimal', 'old', 'new'], { cwd: dir });
      } catch (error) {
        gitStat = String((error as { stdout: Buffer }).stdout);
      }

      assert.equal(applyHunks(oldText, ours.hunks), newText);
      const [gitAdded, gitRemoved] = gitStat.trim().split(/\s+/).map(Number);
      assert.deepEqual([ours.added, ours.removed], [gitAdded, gitRemoved]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports identical versions and marks a missing final newline', async () => {
    const same = diffTexts('a\nb\n', 'a\nb\n');
    const noNewline = diffTexts('a\nb\n', 'a\nb');

    assert.deepEqual([same.identical, same.unified], [true, '']);
    assert.match(noNewline.unified, /-b\n\+b\n\\ No newline at end of file\n$/);
  });

  it('compares the significant-changes views when asked', async () => {
    const device = await newDevice('diff-sig');
    const from = await seedVersion(server, {
      deviceId: device.id,
      deviceName: device.name,
      bytes: '# uptime 10 days\nhostname sig\n',
      significant: 'hostname sig\n',
    });
    const to = await seedVersion(server, {
      deviceId: device.id,
      deviceName: device.name,
      bytes: '# uptime 11 days\nhostname sig\n',
      significant: 'hostname sig\n',
    });

    const whole = await server.gql(diffQuery, { from: from.id, to: to.id });
    const significant = await server.gql(diffQuery, { from: from.id, to: to.id, significantOnly: true });

    assert.equal(whole.data.diff.identical, false);
    assert.equal(significant.data.diff.identical, true);
  });

  it('refuses to diff a binary version and reports a missing one', async () => {
    const device = await newDevice('diff-bin');
    const text = await seedVersion(server, { deviceId: device.id, deviceName: device.name, bytes: 'x\n' });
    const binary = await seedVersion(server, {
      deviceId: device.id,
      deviceName: device.name,
      bytes: Buffer.from([0, 1, 2]),
      isBinary: true,
    });

    const binaryResult = await server.gql(diffQuery, { from: text.id, to: binary.id });
    const missingResult = await server.gql(diffQuery, { from: text.id, to: '00000000-0000-4000-8000-000000000000' });

    assert.deepEqual(
      { type: binaryResult.data.diff.__typename, field: binaryResult.data.diff.field },
      { type: 'ValidationError', field: 'toBackupId' },
    );
    assert.equal(missingResult.data.diff.__typename, 'NotFoundError');
  });
});

describe('backup content', () => {
  it('gives text through `content` and `textContent`, and a typed error for binary', async () => {
    const device = await newDevice('content-dev');
    const text = await seedVersion(server, { deviceId: device.id, deviceName: device.name, bytes: 'hostname c\n' });
    const binary = await seedVersion(server, {
      deviceId: device.id,
      deviceName: device.name,
      bytes: Buffer.from([0xff]),
      isBinary: true,
    });
    const query = `query ($id: ID!) { backup(id: $id) { textContent { __typename ... on BackupText { text } ... on Error { message } } } }`;

    const textResult = await server.gql(query, { id: text.id });
    const binaryResult = await server.gql(query, { id: binary.id });
    const legacy = await server.gql(`query ($id: ID!) { backup(id: $id) { content } }`, { id: binary.id });

    assert.deepEqual(textResult.data.backup.textContent, { __typename: 'BackupText', text: 'hostname c\n' });
    assert.equal(binaryResult.data.backup.textContent.__typename, 'BinaryContentError');
    assert.equal(legacy.errors?.[0]?.extensions?.code, 'BINARY_CONTENT');
  });
});

describe("a device's versions", () => {
  it('lists newest first with changed and size, pages with cursors, and filters to changed ones', async () => {
    const device = await newDevice('versions-dev');
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 30; i++) {
      await seedVersion(server, {
        deviceId: device.id,
        deviceName: device.name,
        bytes: `version ${Math.floor(i / 3)}\n`,
        changed: i % 3 === 0,
        createdAt: new Date(start + i * 60_000),
      });
    }
    const query = `query ($id: ID!, $after: String, $changedOnly: Boolean) {
      device(id: $id) { backups(first: 10, after: $after, changedOnly: $changedOnly) {
        edges { node { createdAt changed size } } pageInfo { hasNextPage endCursor } } }
    }`;

    const first = await server.gql(query, { id: device.id });
    const second = await server.gql(query, { id: device.id, after: first.data.device.backups.pageInfo.endCursor });
    const changed = await server.gql(query, { id: device.id, changedOnly: true });

    const times = [...first.data.device.backups.edges, ...second.data.device.backups.edges].map(
      (edge: { node: { createdAt: string } }) => Date.parse(edge.node.createdAt),
    );
    assert.deepEqual(
      times,
      Array.from({ length: 20 }, (_, i) => start + (29 - i) * 60_000),
    );
    assert.equal(first.data.device.backups.edges[0].node.size, 'version 9\n'.length);
    assert.equal(first.data.device.backups.edges[0].node.changed, false);
    assert.equal(changed.data.device.backups.edges.length, 10);
    assert.ok(changed.data.device.backups.edges.every((edge: { node: { changed: boolean } }) => edge.node.changed));
  });
});

describe('searchConfigs', () => {
  before(async () => {
    const core = await newDevice('search-core');
    await seedVersion(server, {
      deviceId: core.id,
      deviceName: core.name,
      bytes: 'hostname core\nntp server 10.0.0.1\n!\nsnmp-server community public RO\n',
      createdAt: new Date('2026-02-01T00:00:00Z'),
    });
    await seedVersion(server, {
      deviceId: core.id,
      deviceName: core.name,
      bytes: 'hostname core\nntp server 10.0.0.2\n!\nsnmp-server community s3cret RO\n',
      createdAt: new Date('2026-02-02T00:00:00Z'),
    });
    const edge = await newDevice('search-edge');
    await seedVersion(server, {
      deviceId: edge.id,
      deviceName: edge.name,
      bytes: 'hostname edge\nntp server 10x0x0x1\nline vty 0 4\n transport input ssh\n',
    });
  });

  it('finds a plain-text pattern in the latest configs, dots taken literally, with context lines', async () => {
    const result = await server.gql(searchQuery, { pattern: 'ntp server 10.0.0', contextLines: 1 });

    const edges = result.data.searchConfigs.edges;
    assert.deepEqual(
      edges.map((edge: { node: { device: { name: string } } }) => edge.node.device.name),
      ['search-core'],
    );
    assert.deepEqual(edges[0].node.lines, [
      { number: 1, text: 'hostname core', isMatch: false },
      { number: 2, text: 'ntp server 10.0.0.2', isMatch: true },
      { number: 3, text: '!', isMatch: false },
    ]);
  });

  it('searches every stored version when latestOnly is false', async () => {
    const result = await server.gql(searchQuery, { pattern: 'community public', latestOnly: false, contextLines: 0 });
    const latest = await server.gql(searchQuery, { pattern: 'community public' });

    assert.equal(result.data.searchConfigs.edges.length, 1);
    assert.equal(result.data.searchConfigs.edges[0].node.lines[0].text, 'snmp-server community public RO');
    assert.equal(latest.data.searchConfigs.edges.length, 0);
  });

  it('takes regular expressions with line anchors, case-insensitively by default', async () => {
    const result = await server.gql(searchQuery, { pattern: '^HOSTNAME (core|edge)$', regex: true, contextLines: 0 });
    const sensitive = await server.gql(searchQuery, {
      pattern: '^HOSTNAME',
      regex: true,
      caseSensitive: true,
    });

    assert.deepEqual(
      result.data.searchConfigs.edges.map((edge: { node: { device: { name: string } } }) => edge.node.device.name),
      ['search-core', 'search-edge'],
    );
    assert.equal(sensitive.data.searchConfigs.edges.length, 0);
  });

  it('pages through results with cursors', async () => {
    const first = await server.gql(searchQuery, { pattern: 'ntp server', first: 1 });
    const second = await server.gql(searchQuery, {
      pattern: 'ntp server',
      first: 1,
      after: first.data.searchConfigs.pageInfo.endCursor,
    });

    assert.equal(first.data.searchConfigs.pageInfo.hasNextPage, true);
    assert.equal(first.data.searchConfigs.edges[0].node.device.name, 'search-core');
    assert.equal(second.data.searchConfigs.edges[0].node.device.name, 'search-edge');
  });

  it('rejects an invalid regular expression with a ValidationError', async () => {
    const result = await server.gql(searchQuery, { pattern: '(unclosed', regex: true });

    assert.equal(result.data.searchConfigs.__typename, 'ValidationError');
    assert.equal(result.data.searchConfigs.field, 'pattern');
  });
});

describe('a collected config', () => {
  let device: ReplayServer;

  before(async () => {
    const fixtures = fileURLToPath(new URL('../../../packages/plugins/fixtures/device-sessions/', import.meta.url));
    device = await startReplayServer(
      await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml')),
      { username: 'netops', password: 'pw-for-search' },
    );
  });

  after(async () => {
    await device.close();
  });

  it('is searchable as soon as its job succeeds', async () => {
    const credential = await createCredential(server, { username: 'netops', secret: 'pw-for-search' });
    const created = await createDevice(server, {
      pluginKey: 'cisco_ios',
      port: device.port,
      credentialId: credential.id,
      name: 'search-collected',
    });

    const { job } = await triggerBackup(server, created.id);
    await collectSubscription(server.ws(), jobProgressSubscription, { jobId: job!.id });
    const result = await server.gql(searchQuery, { pattern: '^version ', regex: true, contextLines: 0 });

    const names = result.data.searchConfigs.edges.map(
      (edge: { node: { device: { name: string } } }) => edge.node.device.name,
    );
    assert.ok(names.includes('search-collected'), JSON.stringify(result));
  });
});
