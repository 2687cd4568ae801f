/**
 * User-defined scrub rules (issue 10 item 4) and backup filters (item 7), through the API and the real
 * runner over the SSH replay server: rules are validated (RE2 syntax, no empty matches, no nested repeats,
 * existing groups), previewed against a stored version, applied after the plugin's masks before storing;
 * "remove" filters keep lines out of the stored version, "ignore" filters keep them stored but out of change
 * detection; operators manage only their groups' rules; every change is audited.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRecording, type Recording } from '@devicevault/plugins/replay/load-recording';
import { type ReplayServer, startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { createDeviceGroup, createUserAndSignIn, mutate } from './support/api-builders.js';
import { createCredential, createDevice, jobProgressSubscription, triggerBackup } from './support/builders.js';
import { collectSubscription, startTestServer, type TestServer } from './support/test-server.js';

const fixtures = fileURLToPath(new URL('../../../packages/plugins/fixtures/device-sessions/', import.meta.url));
const recordingPath = join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml');
const login = { username: 'netops', password: 'replay-password-2' };

/** The recording with `show running-config` rewritten (its echo and prompt kept). */
function withConfig(recording: Recording, rewrite: (config: string) => string): Recording {
  return {
    ...recording,
    exchanges: recording.exchanges.map((exchange) => {
      if (exchange.input !== 'show running-config\n') return exchange;
      const answer = exchange.answer.toString('utf8');
      const start = answer.indexOf('\n') + 1;
      const end = answer.lastIndexOf('\n') + 1;
      return {
        ...exchange,
        answer: Buffer.from(answer.slice(0, start) + rewrite(answer.slice(start, end)) + answer.slice(end)),
      };
    }),
  };
}

async function backupOnce(server: TestServer, deviceId: string) {
  const triggered = await triggerBackup(server, deviceId);
  await collectSubscription(server.ws(), jobProgressSubscription, { jobId: triggered.job!.id });
  const result = await server.gql(
    'query ($id: ID!) { job(id: $id) { status errorMessage backup { id changed content } } }',
    { id: triggered.job!.id },
  );
  const job = result.data.job as {
    status: string;
    errorMessage: string | null;
    backup: { id: string; changed: boolean; content: string } | null;
  };
  assert.equal(job.status, 'succeeded', job.errorMessage ?? '');
  return job.backup!;
}

describe('scrub rules and backup filters', () => {
  let server: TestServer;
  let credentialId: string;
  let recording: Recording;
  const replays: ReplayServer[] = [];

  async function device(options: {
    scrubSecrets: boolean;
    deviceGroupId?: string;
    rewrite?: (config: string) => string;
  }) {
    const replay = await startReplayServer(options.rewrite ? withConfig(recording, options.rewrite) : recording, login);
    replays.push(replay);
    const created = await createDevice(server, {
      pluginKey: 'cisco_ios',
      port: replay.port,
      credentialId,
      deviceGroupId: options.deviceGroupId,
    });
    await mutate(server, 'updateDevice', { id: created.id, scrubSecrets: options.scrubSecrets }, 'device { id }');
    return { ...created, replay };
  }

  before(async () => {
    server = await startTestServer();
    recording = await loadRecording(recordingPath);
    credentialId = (await createCredential(server, { username: login.username, secret: login.password })).id;
  });
  after(async () => {
    await Promise.all(replays.map((replay) => replay.close()));
    await server.stop();
  });

  it('refuses invalid, empty-matching and nested-repeat patterns, unknown groups and plugins', async () => {
    const attempts = [
      { pattern: '(a)\\1', replacement: 'x' },
      { pattern: 'x*', replacement: 'x' },
      { pattern: '(a+)+$', replacement: 'x' },
      { pattern: '(snmp)', replacement: '$2' },
      { pattern: 'ok', replacement: 'x', pluginKey: 'no_such_plugin' },
      { pattern: 'ok', replacement: 'x', deviceGroupId: '00000000-0000-4000-8000-000000000000' },
    ];

    const results = [];
    for (const input of attempts) results.push(await mutate(server, 'createScrubRule', input, 'scrubRule { id }'));

    assert.deepEqual(
      results.map((result) => [result.__typename, result.field]),
      [
        ['ValidationError', 'pattern'],
        ['ValidationError', 'pattern'],
        ['ValidationError', 'pattern'],
        ['ValidationError', 'replacement'],
        ['ValidationError', 'pluginKey'],
        ['ValidationError', 'deviceGroupId'],
      ],
    );
  });

  it('previews a rule against a stored version, then applies it after the plugin masks on the next backup', async () => {
    const group = await createDeviceGroup(server);
    const scrubbed = await device({ scrubSecrets: true, deviceGroupId: group.id });
    const first = await backupOnce(server, scrubbed.id);
    const rule = { pattern: '^( description) .*', replacement: '$1 <description hidden>', pluginKey: 'cisco_ios' };

    const preview = await server.gql(
      `query ($input: PreviewScrubRuleInput!) { previewScrubRule(input: $input) {
        __typename ... on ScrubRulePreview { backupId matchCount lines { number before after } } } }`,
      { input: { pattern: rule.pattern, replacement: rule.replacement, backupId: first.id } },
    );
    const created = await mutate(server, 'createScrubRule', { ...rule, deviceGroupId: group.id }, 'scrubRule { id }');
    const second = await backupOnce(server, scrubbed.id);

    const shown = preview.data.previewScrubRule;
    assert.equal(shown.__typename, 'ScrubRulePreview');
    const descriptions = first.content.match(/^ description .*$/gm)?.length ?? 0;
    assert.ok(descriptions >= 3);
    assert.equal(shown.matchCount, descriptions);
    assert.deepEqual(shown.lines[0], {
      number: shown.lines[0].number,
      before: ' description oxidized test one',
      after: ' description <description hidden>',
    });
    assert.equal(created.__typename, 'CreateScrubRuleSuccess');
    assert.equal(second.changed, true);
    assert.doesNotMatch(second.content, /oxidized test one/);
    assert.equal(second.content.match(/^ description <description hidden>$/gm)?.length, descriptions);
    // The plugin's own masks ran first: the rule sees (and keeps) their placeholders.
    assert.match(second.content, /<secret hidden>|<configuration removed>|<removed>/);
  });

  it('leaves devices that do not scrub secrets alone', async () => {
    const plain = await device({ scrubSecrets: false });
    await mutate(
      server,
      'createScrubRule',
      { pattern: '^(hostname) .*', replacement: '$1 <renamed>' },
      'scrubRule { id }',
    );

    const backup = await backupOnce(server, plain.id);

    assert.match(backup.content, /^hostname LAB-SW123_9200L$/m);
  });

  it('removes filtered lines before storing, and stores ignored lines without counting them as a change', async () => {
    const group = await createDeviceGroup(server);
    let clock = 'clock timezone CET 1 0';
    const drifting = await device({
      scrubSecrets: false,
      deviceGroupId: group.id,
      rewrite: (config) => config.replace('clock timezone CET 1 0', () => clock),
    });
    const filters = [
      { kind: 'REMOVE_BEFORE_STORING', pattern: '^clock summer-time ', deviceGroupId: group.id },
      { kind: 'IGNORE_FOR_CHANGES', pattern: '^clock timezone ', deviceGroupId: group.id },
    ];
    const first = await backupOnce(server, drifting.id);

    const preview = await server.gql(
      `query ($input: PreviewBackupFilterInput!) { previewBackupFilter(input: $input) {
        __typename ... on BackupFilterPreview { backupId matchCount lines { number before after } } } }`,
      { input: { pattern: '^clock ', deviceId: drifting.id } },
    );
    for (const filter of filters) await mutate(server, 'createBackupFilter', filter, 'backupFilter { id }');
    const filtered = await backupOnce(server, drifting.id);
    clock = 'clock timezone UTC 0 0';
    await drifting.replay.close();
    const moved = await startReplayServer(
      withConfig(recording, (config) => config.replace('clock timezone CET 1 0', () => clock)),
      login,
    );
    replays.push(moved);
    await mutate(server, 'updateDevice', { id: drifting.id, port: moved.port }, 'device { id }');
    const ignored = await backupOnce(server, drifting.id);

    assert.equal(preview.data.previewBackupFilter.backupId, first.id);
    assert.deepEqual(
      preview.data.previewBackupFilter.lines.map((line: { before: string; after: string | null }) => [
        line.before,
        line.after,
      ]),
      [
        ['clock timezone CET 1 0', null],
        ['clock summer-time CEST recurring last Sun Mar 2:00 last Sun Oct 2:00', null],
      ],
    );
    assert.equal(filtered.changed, true);
    assert.doesNotMatch(filtered.content, /clock summer-time/);
    assert.match(filtered.content, /^clock timezone CET 1 0$/m);
    assert.equal(ignored.changed, false, 'a change only in an ignored line is not a change');
  });

  it('lets operators manage only rules of the groups they operate, and audits every change', async () => {
    const group = await createDeviceGroup(server);
    const other = await createDeviceGroup(server);
    const operator = await createUserAndSignIn(server, 'operator', [group.id]);
    const input = { pattern: '^banner .*', replacement: 'banner <hidden>' };

    const global = await server.gql(
      'mutation ($input: CreateScrubRuleInput!) { createScrubRule(input: $input) { __typename } }',
      { input },
      operator.token,
    );
    const foreign = await server.gql(
      'mutation ($input: CreateScrubRuleInput!) { createScrubRule(input: $input) { __typename } }',
      { input: { ...input, deviceGroupId: other.id } },
      operator.token,
    );
    const own = await mutate(
      server,
      'createScrubRule',
      { ...input, deviceGroupId: group.id },
      'scrubRule { id }',
      operator.token,
    );
    const widen = await server.gql(
      'mutation ($input: UpdateScrubRuleInput!) { updateScrubRule(input: $input) { __typename } }',
      { input: { id: own.scrubRule.id, deviceGroupId: null } },
      operator.token,
    );
    const deleted = await mutate(server, 'deleteScrubRule', { id: own.scrubRule.id }, 'deletedId', operator.token);
    const audit = await server.gql('{ auditLog(first: 50) { edges { node { action outcome actorLabel } } } }');

    assert.equal(global.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal(foreign.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal(own.__typename, 'CreateScrubRuleSuccess');
    assert.equal(widen.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal(deleted.__typename, 'DeleteScrubRuleSuccess');
    const mine = audit.data.auditLog.edges
      .map((edge: { node: { action: string; outcome: string; actorLabel: string } }) => edge.node)
      .filter(
        (row: { action: string; actorLabel: string }) =>
          row.actorLabel === operator.username && /ScrubRule$/.test(row.action),
      )
      .map((row: { action: string; outcome: string }) => `${row.action}:${row.outcome}`);
    assert.deepEqual(mine.sort(), [
      'createScrubRule:denied',
      'createScrubRule:denied',
      'createScrubRule:success',
      'deleteScrubRule:success',
      'updateScrubRule:denied',
    ]);
  });
});
