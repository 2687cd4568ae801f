/**
 * The management API the way clients call it: CRUD, typed errors, filters and pagination for device groups,
 * collection groups, credentials, devices, users, API tokens and the audit log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jobs } from '@devicevault/schema/db/tables';
import { eq } from 'drizzle-orm';
import {
  createCollectionGroup,
  createDeviceGroup,
  createUserAndSignIn,
  mutate,
  unique,
} from './support/api-builders.js';
import { createCredential, createDevice, triggerBackup } from './support/builders.js';
import { signIn, startTestServer, type TestServer } from './support/test-server.js';

describe('the management API', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });

  after(async () => {
    await server.stop();
  });

  describe('device groups', () => {
    it('creates, renames, lists by name with search and pages, and refuses a duplicate name', async () => {
      const prefix = `dg-${unique()}`;
      const [a, b, c] = [
        await createDeviceGroup(server, `${prefix}-a`),
        await createDeviceGroup(server, `${prefix}-b`),
        await createDeviceGroup(server, `${prefix}-c`),
      ];

      const duplicate = await mutate(server, 'createDeviceGroup', { name: a.name }, 'deviceGroup { id }');
      const renamed = await mutate(
        server,
        'updateDeviceGroup',
        { id: c.id, name: `${prefix}-z`, description: 'core' },
        'deviceGroup { name description }',
      );
      const query = `query ($after: String, $search: String) {
        deviceGroups(first: 2, after: $after, search: $search) {
          edges { node { name deviceCount } } pageInfo { hasNextPage endCursor }
        }
      }`;
      const first = await server.gql(query, { search: prefix });
      const second = await server.gql(query, { search: prefix, after: first.data.deviceGroups.pageInfo.endCursor });

      assert.equal(duplicate.__typename, 'ValidationError');
      assert.equal(duplicate.field, 'name');
      assert.deepEqual(renamed.deviceGroup, { name: `${prefix}-z`, description: 'core' });
      assert.deepEqual(
        first.data.deviceGroups.edges.map((edge: { node: { name: string } }) => edge.node.name),
        [a.name, b.name],
      );
      assert.equal(first.data.deviceGroups.pageInfo.hasNextPage, true);
      assert.deepEqual(second.data.deviceGroups.edges, [{ node: { name: `${prefix}-z`, deviceCount: 0 } }]);
      assert.equal(second.data.deviceGroups.pageInfo.hasNextPage, false);
    });

    it('refuses to delete a group that still has devices, then deletes it once empty', async () => {
      const group = await createDeviceGroup(server);
      const device = await createDevice(server, { pluginKey: 'noop', deviceGroupId: group.id } as never);

      const refused = await mutate(
        server,
        'deleteDeviceGroup',
        { id: group.id },
        'deletedId',
        undefined,
        '... on InUseError { usedByCount }',
      );
      await mutate(server, 'deleteDevice', { id: device.id }, 'deletedId');
      const deleted = await mutate(server, 'deleteDeviceGroup', { id: group.id }, 'deletedId');
      const missing = await mutate(server, 'deleteDeviceGroup', { id: group.id }, 'deletedId');

      assert.equal(refused.__typename, 'InUseError');
      assert.equal((refused as { usedByCount?: number }).usedByCount, 1);
      assert.deepEqual(deleted, { __typename: 'DeleteDeviceGroupSuccess', deletedId: group.id });
      assert.equal(missing.__typename, 'NotFoundError');
    });

    it('shows non-admins only the groups they are granted, and only admins may create them', async () => {
      const granted = await createDeviceGroup(server);
      await createDeviceGroup(server);
      const viewer = await createUserAndSignIn(server, 'viewer', [granted.id]);

      const listed = await server.gql('{ deviceGroups(first: 100) { edges { node { id } } } }', {}, viewer.token);
      const denied = await mutate(server, 'createDeviceGroup', { name: unique() }, 'deviceGroup { id }', viewer.token)
        .then(() => null)
        .catch((error: { code?: string }) => error.code);

      assert.deepEqual(listed.data.deviceGroups.edges, [{ node: { id: granted.id } }]);
      assert.equal(denied, 'FORBIDDEN');
    });
  });

  describe('collection groups', () => {
    it('accepts a croner schedule with its next run, and rejects a bad schedule and timeout by field', async () => {
      const good = await mutate(
        server,
        'createCollectionGroup',
        { name: `nightly-${unique()}`, schedule: '0 2 * * *', timeoutSeconds: 300 },
        'collectionGroup { schedule timeoutSeconds nextRunAt }',
      );
      const badCron = await mutate(
        server,
        'createCollectionGroup',
        { name: unique(), schedule: '61 * * * *' },
        'collectionGroup { id }',
      );
      const badTimeout = await mutate(
        server,
        'createCollectionGroup',
        { name: unique(), timeoutSeconds: 0 },
        'collectionGroup { id }',
      );

      assert.equal(good.__typename, 'CreateCollectionGroupSuccess');
      assert.equal(good.collectionGroup.schedule, '0 2 * * *');
      assert.equal(good.collectionGroup.timeoutSeconds, 300);
      assert.equal(new Date(good.collectionGroup.nextRunAt).getMinutes(), 0);
      assert.deepEqual([badCron.__typename, badCron.field], ['ValidationError', 'schedule']);
      assert.deepEqual([badTimeout.__typename, badTimeout.field], ['ValidationError', 'timeoutSeconds']);
    });

    it('makes a group manual-only when its schedule is cleared', async () => {
      const group = await createCollectionGroup(server, undefined, '*/5 * * * *');

      const updated = await mutate(
        server,
        'updateCollectionGroup',
        { id: group.id, schedule: null },
        'collectionGroup { schedule nextRunAt }',
      );

      assert.deepEqual(updated.collectionGroup, { schedule: null, nextRunAt: null });
    });
  });

  describe('credentials', () => {
    it('lists credentials with how many devices use them and never returns the secret', async () => {
      const secret = `s3cret-${unique()}`;
      const credential = await createCredential(server, { name: `cred-${unique()}`, username: 'netops', secret });
      await createDevice(server, { pluginKey: 'cisco_ios', credentialId: credential.id });
      await createDevice(server, { pluginKey: 'cisco_ios', credentialId: credential.id });

      const result = await server.gql(
        'query ($search: String) { credentials(first: 5, search: $search) { edges { node { id name usedByCount } } } }',
        { search: credential.name },
      );

      assert.deepEqual(result.data.credentials.edges, [
        { node: { id: credential.id, name: credential.name, usedByCount: 2 } },
      ]);
      assert.ok(server.responses.every((body) => !body.includes(secret)));
    });

    it('rotates the secret and refuses to delete a credential in use with InUseError', async () => {
      const credential = await createCredential(server, { username: 'netops', secret: 'old-secret' });
      const device = await createDevice(server, { pluginKey: 'cisco_ios', credentialId: credential.id });

      const rotated = await mutate(
        server,
        'updateCredential',
        { id: credential.id, secret: 'new-secret', enableSecret: 'enable-me' },
        'credential { id hasEnableSecret }',
      );
      const refused = await mutate(server, 'deleteCredential', { id: credential.id }, 'deletedId');
      await mutate(server, 'deleteDevice', { id: device.id }, 'deletedId');
      const deleted = await mutate(server, 'deleteCredential', { id: credential.id }, 'deletedId');

      assert.deepEqual(rotated.credential, { id: credential.id, hasEnableSecret: true });
      assert.equal(refused.__typename, 'InUseError');
      assert.equal(deleted.__typename, 'DeleteCredentialSuccess');
    });

    it('does not list credentials to viewers', async () => {
      const viewer = await createUserAndSignIn(server, 'viewer');

      const result = await server.gql('{ credentials(first: 1) { edges { node { id } } } }', {}, viewer.token);

      assert.equal(result.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    });
  });

  describe('devices', () => {
    it('filters by search, plugin, group and enabled, and sorts by name with keyset pages', async () => {
      const group = await createDeviceGroup(server);
      const tag = unique();
      for (const name of ['charlie', 'alpha', 'bravo']) {
        await createDevice(server, { name: `${tag}-${name}`, pluginKey: 'noop', deviceGroupId: group.id } as never);
      }
      const disabled = await createDevice(server, { name: `${tag}-delta`, pluginKey: 'noop' });
      await mutate(server, 'setDeviceEnabled', { id: disabled.id, enabled: false }, 'device { enabled }');
      const query = `query ($filter: DeviceFilter, $after: String) {
        devices(first: 2, after: $after, filter: $filter, orderBy: NAME) {
          edges { node { name enabled deviceGroup { id } } } pageInfo { hasNextPage endCursor }
        }
      }`;
      const names = (result: { data?: { devices: { edges: { node: { name: string } }[] } } }) =>
        result.data?.devices.edges.map((edge) => edge.node.name);

      const page1 = await server.gql(query, { filter: { search: tag } });
      const page2 = await server.gql(query, { filter: { search: tag }, after: page1.data.devices.pageInfo.endCursor });
      const inGroup = await server.gql(query, { filter: { deviceGroupId: group.id, search: 'BRAVO' } });
      const off = await server.gql(query, { filter: { search: tag, enabled: false, pluginKey: 'noop' } });
      const otherPlugin = await server.gql(query, { filter: { search: tag, pluginKey: 'cisco_ios' } });
      const tooBig = await server.gql('{ devices(first: 101) { edges { node { id } } } }');

      assert.deepEqual(names(page1), [`${tag}-alpha`, `${tag}-bravo`]);
      assert.deepEqual(names(page2), [`${tag}-charlie`, `${tag}-delta`]);
      assert.deepEqual(names(inGroup), [`${tag}-bravo`]);
      assert.equal(inGroup.data.devices.edges[0].node.deviceGroup.id, group.id);
      assert.deepEqual(names(off), [`${tag}-delta`]);
      assert.deepEqual(names(otherPlugin), []);
      assert.equal(tooBig.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    });

    it('updates a device, forgetting the pinned host key when the host changes', async () => {
      const device = await createDevice(server, { pluginKey: 'noop' });

      const updated = await mutate(
        server,
        'updateDevice',
        { id: device.id, host: 'core-1.example.net', port: 2222, name: `renamed-${unique()}` },
        'device { host port hostKeyFingerprint }',
      );
      const badHost = await mutate(server, 'updateDevice', { id: device.id, host: 'no spaces' }, 'device { id }');

      assert.deepEqual(updated.device, { host: 'core-1.example.net', port: 2222, hostKeyFingerprint: null });
      assert.deepEqual([badHost.__typename, badHost.field], ['ValidationError', 'host']);
    });

    it('never collects a disabled device: triggerBackup refuses and queued jobs fail as aborted', async () => {
      const device = await createDevice(server, { pluginKey: 'noop' });
      const [queued] = await server.app.database.db
        .insert(jobs)
        .values({ deviceId: device.id, runAfter: new Date(Date.now() + 3_600_000) })
        .returning();

      const disabled = await mutate(
        server,
        'setDeviceEnabled',
        { id: device.id, enabled: false },
        'device { enabled }',
      );
      const triggered = await triggerBackup(server, device.id);
      const [job] = await server.app.database.db.select().from(jobs).where(eq(jobs.id, queued!.id));

      assert.equal(disabled.device.enabled, false);
      assert.equal(triggered.__typename, 'ValidationError');
      assert.equal(job!.status, 'failed');
      assert.equal(job!.errorCode, 'aborted');
    });

    it('lets operators change devices only in their groups and move them only into their groups', async () => {
      const mine = await createDeviceGroup(server);
      const theirs = await createDeviceGroup(server);
      const inMine = await createDevice(server, { pluginKey: 'noop', deviceGroupId: mine.id } as never);
      const inTheirs = await createDevice(server, { pluginKey: 'noop', deviceGroupId: theirs.id } as never);
      const operator = await createUserAndSignIn(server, 'operator', [mine.id]);
      const viewer = await createUserAndSignIn(server, 'viewer', [mine.id]);
      const code = (promise: Promise<unknown>) => promise.then(() => 'ok').catch((error) => error.code);

      const own = await mutate(
        server,
        'setDeviceEnabled',
        { id: inMine.id, enabled: false },
        'device { id }',
        operator.token,
      );
      const foreign = await mutate(server, 'archiveDevice', { id: inTheirs.id }, 'device { id }', operator.token);
      // Deleting (with the whole history) is for admins only; operators archive instead.
      const deleteOwn = await code(mutate(server, 'deleteDevice', { id: inMine.id }, 'deletedId', operator.token));
      const move = await code(
        mutate(server, 'updateDevice', { id: inMine.id, deviceGroupId: theirs.id }, 'device { id }', operator.token),
      );
      const asViewer = await code(mutate(server, 'deleteDevice', { id: inMine.id }, 'deletedId', viewer.token));

      assert.equal(own.__typename, 'SetDeviceEnabledSuccess');
      assert.equal(foreign.__typename, 'NotFoundError');
      assert.equal(move, 'FORBIDDEN');
      assert.equal(deleteOwn, 'FORBIDDEN');
      assert.equal(asViewer, 'FORBIDDEN');
    });
  });

  describe('users', () => {
    it('creates a user with grants and a generated password that signs in', async () => {
      const group = await createDeviceGroup(server);
      const username = `ops-${unique()}`;

      const created = await mutate(
        server,
        'createUser',
        { username, role: 'operator', deviceGroupIds: [group.id] },
        'user { id username role deviceGroups { id } } generatedPassword',
      );
      const token = await signIn(server.url, username, created.generatedPassword);
      const viewer = await server.gql('{ viewer { username role } }', {}, token);

      assert.deepEqual(created.user.deviceGroups, [{ id: group.id }]);
      assert.equal(created.generatedPassword.length >= 20, true);
      assert.deepEqual(viewer.data.viewer, { username, role: 'operator' });
    });

    it('lists users filtered by role and rejects bad usernames, roles and short passwords by field', async () => {
      await createUserAndSignIn(server, 'viewer');

      const viewers = await server.gql('{ users(first: 100, filter: { role: "viewer" }) { edges { node { role } } } }');
      const badName = await mutate(server, 'createUser', { username: 'a b', role: 'viewer' }, 'user { id }');
      const badRole = await mutate(server, 'createUser', { username: unique(), role: 'root' }, 'user { id }');
      const short = await mutate(
        server,
        'createUser',
        { username: unique(), role: 'viewer', password: 'short' },
        'user { id }',
      );

      assert.ok(viewers.data.users.edges.length >= 1);
      assert.ok(viewers.data.users.edges.every((edge: { node: { role: string } }) => edge.node.role === 'viewer'));
      assert.deepEqual([badName.field, badRole.field, short.field], ['username', 'role', 'password']);
    });

    it('disables a user (ending their sessions), resets a password and deletes a user', async () => {
      const user = await createUserAndSignIn(server, 'viewer');

      await mutate(server, 'updateUser', { id: user.id, disabled: true }, 'user { disabled }');
      const afterDisable = await server.gql('{ viewer { id } }', {}, user.token);
      await mutate(server, 'updateUser', { id: user.id, disabled: false, role: 'operator' }, 'user { role }');
      const reset = await mutate(server, 'resetUserPassword', { id: user.id }, 'generatedPassword');
      const newToken = await signIn(server.url, user.username, reset.generatedPassword);
      const deleted = await mutate(server, 'deleteUser', { id: user.id }, 'deletedId');
      const afterDelete = await server.gql('{ viewer { id } }', {}, newToken);

      assert.equal(afterDisable.data.viewer, null);
      assert.equal(deleted.__typename, 'DeleteUserSuccess');
      assert.equal(afterDelete.data.viewer, null);
    });

    it('never demotes, disables or deletes the last enabled admin', async () => {
      const viewer = await server.gql('{ viewer { id } }');
      const adminId = viewer.data.viewer.id as string;
      const second = await createUserAndSignIn(server, 'admin');

      const disableSecond = await mutate(server, 'updateUser', { id: second.id, disabled: true }, 'user { id }');
      const demoteLast = await mutate(server, 'updateUser', { id: adminId, role: 'viewer' }, 'user { id }');
      const disableLast = await mutate(server, 'updateUser', { id: adminId, disabled: true }, 'user { id }');
      const deleteSelf = await mutate(server, 'deleteUser', { id: adminId }, 'deletedId');
      const deleteSecond = await mutate(server, 'deleteUser', { id: second.id }, 'deletedId');

      assert.equal(disableSecond.__typename, 'UpdateUserSuccess');
      assert.equal(demoteLast.__typename, 'LastAdminError');
      assert.equal(disableLast.__typename, 'LastAdminError');
      assert.equal(deleteSelf.__typename, 'ValidationError');
      assert.equal(deleteSecond.__typename, 'DeleteUserSuccess');
    });
  });

  describe('API tokens', () => {
    it('shows a token once, accepts it as a Bearer token, lists it and stops accepting it when revoked', async () => {
      const user = await createUserAndSignIn(server, 'viewer');
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();

      const created = await mutate(
        server,
        'createApiToken',
        { name: 'nightly export', expiresAt },
        'token apiToken { id name prefix expiresAt active }',
        user.token,
      );
      const asToken = await server.gql('{ viewer { username } }', {}, created.token);
      const listed = await server.gql('{ apiTokens(first: 10) { edges { node { id } } } }', {}, user.token);
      const mintWithToken = await server.gql(
        'mutation { createApiToken(input: { name: "x" }) { __typename } }',
        {},
        created.token,
      );
      await mutate(server, 'revokeApiToken', { id: created.apiToken.id }, 'apiToken { active }', user.token);
      const afterRevoke = await server.gql('{ viewer { username } }', {}, created.token);

      assert.match(created.token, /^dvt_/);
      assert.equal(created.token.startsWith(created.apiToken.prefix), true);
      assert.equal(created.apiToken.active, true);
      assert.equal(asToken.data.viewer.username, user.username);
      assert.deepEqual(listed.data.apiTokens.edges, [{ node: { id: created.apiToken.id } }]);
      assert.equal(mintWithToken.errors?.[0]?.extensions?.code, 'FORBIDDEN');
      assert.equal(afterRevoke.data.viewer, null);
    });

    it('hides other users’ tokens from non-admins and rejects an expiry in the past', async () => {
      const owner = await createUserAndSignIn(server, 'viewer');
      const other = await createUserAndSignIn(server, 'viewer');
      const created = await mutate(server, 'createApiToken', { name: 'mine' }, 'apiToken { id }', owner.token);

      const foreign = await mutate(
        server,
        'revokeApiToken',
        { id: created.apiToken.id },
        'apiToken { id }',
        other.token,
      );
      const othersList = await server.gql('{ apiTokens(first: 10) { edges { node { id } } } }', {}, other.token);
      const adminList = await server.gql(
        'query ($userId: ID) { apiTokens(first: 10, filter: { userId: $userId }) { edges { node { id } } } }',
        { userId: owner.id },
      );
      const past = await mutate(
        server,
        'createApiToken',
        { name: 'old', expiresAt: new Date(Date.now() - 1000).toISOString() },
        'apiToken { id }',
        owner.token,
      );

      assert.equal(foreign.__typename, 'NotFoundError');
      assert.deepEqual(othersList.data.apiTokens.edges, []);
      assert.deepEqual(adminList.data.apiTokens.edges, [{ node: { id: created.apiToken.id } }]);
      assert.deepEqual([past.__typename, past.field], ['ValidationError', 'expiresAt']);
    });
  });

  describe('audit log', () => {
    it('is readable by admins only and filters by action, outcome, target and time', async () => {
      const since = new Date(Date.now() - 1000).toISOString();
      const group = await createDeviceGroup(server);
      const operator = await createUserAndSignIn(server, 'operator');

      const filtered = await server.gql(
        `query ($filter: AuditLogFilter) {
          auditLog(first: 10, filter: $filter) { edges { node { action outcome targetId actorLabel sourceAddress } } }
        }`,
        { filter: { action: 'createDeviceGroup', outcome: 'success', targetId: group.id, from: since } },
      );
      const future = await server.gql(
        'query ($from: DateTime) { auditLog(first: 1, filter: { from: $from }) { edges { node { id } } } }',
        { from: new Date(Date.now() + 60_000).toISOString() },
      );
      const asOperator = await server.gql('{ auditLog(first: 1) { edges { node { id } } } }', {}, operator.token);

      assert.equal(filtered.data.auditLog.edges.length, 1);
      assert.deepEqual(filtered.data.auditLog.edges[0].node, {
        action: 'createDeviceGroup',
        outcome: 'success',
        targetId: group.id,
        actorLabel: 'admin',
        sourceAddress: filtered.data.auditLog.edges[0].node.sourceAddress,
      });
      assert.ok(filtered.data.auditLog.edges[0].node.sourceAddress);
      assert.deepEqual(future.data.auditLog.edges, []);
      assert.equal(asOperator.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    });
  });
});
