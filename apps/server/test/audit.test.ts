/**
 * The audit log records each class of action with actor, action, target, time, source address and outcome:
 * mutations (success, typed failure, denied), sign-ins (success and failure), API token use, content views
 * and downloads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDeviceGroup, createUserAndSignIn, mutate, unique } from './support/api-builders.js';
import { createDevice, jobProgressSubscription, type ProgressEvent, triggerBackup } from './support/builders.js';
import { collectSubscription, startTestServer, type TestServer } from './support/test-server.js';

interface AuditRow {
  action: string;
  outcome: string;
  actorUserId: string | null;
  actorLabel: string;
  targetType: string | null;
  targetId: string | null;
  sourceAddress: string | null;
  createdAt: string;
  details: Record<string, unknown>;
}

async function auditRows(server: TestServer, filter: Record<string, unknown>): Promise<AuditRow[]> {
  const result = await server.gql(
    `query ($filter: AuditLogFilter) {
      auditLog(first: 100, filter: $filter) {
        edges { node { action outcome actorUserId actorLabel targetType targetId sourceAddress createdAt details } }
      }
    }`,
    { filter },
  );
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data.auditLog.edges.map((edge: { node: AuditRow }) => edge.node);
}

async function login(server: TestServer, username: string, password: string) {
  const result = await server.gql(
    'mutation ($input: LoginInput!) { login(input: $input) { __typename } }',
    { input: { username, password } },
    null,
  );
  return result.data.login.__typename as string;
}

describe('the audit log', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });

  after(async () => {
    await server.stop();
  });

  it('records a successful mutation with actor, target, time and source address', async () => {
    const before = Date.now();

    const group = await createDeviceGroup(server);

    const [row] = await auditRows(server, { action: 'createDeviceGroup', targetId: group.id });
    assert.equal(row?.outcome, 'success');
    assert.equal(row?.actorLabel, 'admin');
    assert.ok(row?.actorUserId);
    assert.equal(row?.targetType, 'deviceGroup');
    assert.match(row?.sourceAddress ?? '', /127\.0\.0\.1/);
    assert.ok(new Date(row!.createdAt).getTime() >= before - 1000);
  });

  it('records a mutation that returned a typed error as a failure, with the error message', async () => {
    const group = await createDeviceGroup(server);

    const duplicate = await mutate(server, 'createDeviceGroup', { name: group.name }, 'deviceGroup { id }');

    const rows = await auditRows(server, { action: 'createDeviceGroup', outcome: 'failure' });
    assert.equal(duplicate.__typename, 'ValidationError');
    assert.ok(rows.some((row) => row.details.error === duplicate.message));
  });

  it('records a mutation refused for lack of permission as denied', async () => {
    const viewer = await createUserAndSignIn(server, 'viewer');

    await mutate(server, 'createDeviceGroup', { name: unique() }, 'deviceGroup { id }', viewer.token).catch(() => {});

    const rows = await auditRows(server, { action: 'createDeviceGroup', outcome: 'denied', actorUserId: viewer.id });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.actorLabel, viewer.username);
  });

  it('records successful and failed sign-ins under the name tried', async () => {
    const user = await createUserAndSignIn(server, 'viewer');

    const wrong = await login(server, user.username, 'not-the-password');
    const unknownName = `ghost-${unique()}`;
    await login(server, unknownName, 'whatever-password');

    const rows = await auditRows(server, { action: 'login' });
    const mine = rows.filter((row) => row.actorLabel === user.username);
    assert.equal(wrong, 'InvalidCredentialsError');
    assert.deepEqual(mine.map((row) => row.outcome).sort(), ['failure', 'success']);
    assert.equal(mine.find((row) => row.outcome === 'success')?.actorUserId, user.id);
    assert.ok(rows.some((row) => row.actorLabel === unknownName && row.outcome === 'failure' && !row.actorUserId));
  });

  it('records each use of an API token with the token as target', async () => {
    const created = await mutate(server, 'createApiToken', { name: 'audit' }, 'token apiToken { id }');

    await server.gql('{ viewer { id } }', {}, created.token);
    await server.gql('{ viewer { id } }', {}, created.token);

    const rows = await auditRows(server, { action: 'token.use', targetId: created.apiToken.id });
    assert.equal(rows.length, 2);
    assert.ok(rows.every((row) => row.outcome === 'success' && row.actorLabel === 'admin'));
  });

  describe('reads of stored content', () => {
    let backupId: string;

    before(async () => {
      const device = await createDevice(server, { pluginKey: 'noop' });
      const { job } = await triggerBackup(server, device.id);
      const events = await collectSubscription<ProgressEvent>(server.ws(), jobProgressSubscription, {
        jobId: job!.id,
      });
      backupId = events.at(-1)!.jobProgress.backupId!;
    });

    it('records a content view (backup.content)', async () => {
      const result = await server.gql('query ($id: ID!) { backup(id: $id) { content } }', { id: backupId });

      const rows = await auditRows(server, { targetId: backupId });
      assert.equal(typeof result.data.backup.content, 'string');
      assert.ok(rows.some((row) => row.action.startsWith('backup.content') && row.outcome === 'success'));
    });

    it('records a download, and a refused one, under the user the URL was issued to', async () => {
      const result = await server.gql('query ($id: ID!) { backup(id: $id) { downloadUrl } }', { id: backupId });
      const url = new URL(result.data.backup.downloadUrl);
      const response = await fetch(url, { headers: { authorization: `Bearer ${server.adminToken}` } });
      await response.arrayBuffer();
      const sig = url.searchParams.get('sig')!;
      url.searchParams.set('sig', `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`);
      const tampered = await fetch(url);
      await tampered.arrayBuffer();

      const rows = await auditRows(server, { targetId: backupId, action: 'backup.download' });
      assert.deepEqual([response.status, tampered.status], [200, 403]);
      assert.deepEqual(rows.map((row) => row.outcome).sort(), ['denied', 'success']);
      const success = rows.find((row) => row.outcome === 'success')!;
      const admin = await server.gql('{ viewer { id } }');
      assert.equal(success.actorUserId, admin.data.viewer.id);
    });
  });
});
