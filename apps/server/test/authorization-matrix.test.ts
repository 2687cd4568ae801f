/**
 * The authorization matrix: every root field of Query, Mutation and Subscription, and the download route,
 * called by {anonymous, viewer of group A, operator of group A, admin, viewer of group B} against objects
 * in group A, with the expected outcome of every cell. A root field without a row fails the test, so a new
 * field must get one here.
 *
 * Outcomes (what each identity observes):
 *   ok         the operation did its job and the group-A object (or the global data) is in the answer
 *   hidden     no error, but the group-A object is not there: null, an empty/filtered list, NotFoundError,
 *              or (subscriptions) no event about it. This is how objects of other groups are denied: they
 *              look exactly like missing ones.
 *   unauth     an UNAUTHENTICATED error (anonymous callers), or nothing usable (no download URL)
 *   forbidden  a FORBIDDEN error (signed in, but the role or grant does not allow it), or HTTP 403
 * Anything else (another error, a ValidationError, HTTP 500) is printed as itself and fails its cell.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRecording } from '@devicevault/plugins/replay/load-recording';
import { type ReplayServer, startReplayServer } from '@devicevault/plugins/replay/replay-server';
import { buildSchema } from '@devicevault/schema';
import { alerts, devices, events, jobs } from '@devicevault/schema/db/tables';
import { eq } from 'drizzle-orm';
import type { Client } from 'graphql-ws';
import {
  createCollectionGroup,
  createDeviceGroup,
  createUserAndSignIn,
  mutate,
  unique,
} from './support/api-builders.js';
import { createDevice, jobProgressSubscription, type ProgressEvent, triggerBackup } from './support/builders.js';
import {
  collectSubscription,
  type GqlData,
  signIn,
  startTestServer,
  type TestServer,
  testAdminPassword,
} from './support/test-server.js';

const identities = ['anonymous', 'viewerA', 'operatorA', 'admin', 'viewerB'] as const;
type Who = (typeof identities)[number];
type Outcome = 'ok' | 'hidden' | 'unauth' | 'forbidden' | (string & {});
type Expected = Record<Who, Outcome>;

// The expectation shapes every row uses.
const groupScopedRead: Expected = {
  anonymous: 'unauth',
  viewerA: 'ok',
  operatorA: 'ok',
  admin: 'ok',
  viewerB: 'hidden',
};
const signedInRead: Expected = { anonymous: 'unauth', viewerA: 'ok', operatorA: 'ok', admin: 'ok', viewerB: 'ok' };
const adminOnly: Expected = {
  anonymous: 'unauth',
  viewerA: 'forbidden',
  operatorA: 'forbidden',
  admin: 'ok',
  viewerB: 'forbidden',
};
const operatorsAndAdmins: Expected = {
  anonymous: 'unauth',
  viewerA: 'forbidden',
  operatorA: 'ok',
  admin: 'ok',
  viewerB: 'forbidden',
};
/** Changing a group-A device: viewers of A are refused; users of B don't see it at all. */
const operateGroupADevice: Expected = {
  anonymous: 'unauth',
  viewerA: 'forbidden',
  operatorA: 'ok',
  admin: 'ok',
  viewerB: 'hidden',
};
const ownTokensOnly: Expected = {
  anonymous: 'unauth',
  viewerA: 'hidden',
  operatorA: 'ok',
  admin: 'ok',
  viewerB: 'hidden',
};

interface Row {
  /** `Query.devices`, `Mutation.createDevice`, `Subscription.jobEvents`, or `GET /downloads/…`. */
  name: string;
  expected: Expected;
  /** Runs the operation as `who` (fresh objects per call where the operation consumes them). */
  run?(who: Who): Promise<Outcome>;
  /** Runs all identities together (subscriptions that need one event to reach everyone). */
  runAll?(): Promise<Record<Who, Outcome>>;
}

interface GqlResult {
  data?: GqlData | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const fixtures = fileURLToPath(new URL('../../../packages/plugins/fixtures/device-sessions/', import.meta.url));

let server: TestServer;
let replay: ReplayServer;
const token = {} as Record<Who, string | null>;
const users = {} as Record<Exclude<Who, 'anonymous' | 'admin'>, { id: string; username: string; password: string }>;
const world = {} as {
  groupA: string;
  groupAName: string;
  groupB: string;
  collectionGroup: string;
  credential: string;
  credentialName: string;
  retentionPolicy: string;
  binaryDeviceA: string;
  textDeviceA: string;
  deviceB: string;
  binaryBackupA: string;
  textBackupA: string;
  jobA: string;
  operatorApiTokenId: string;
  alertRule: string;
  alertA: string;
  channel: string;
};

function roleOf(who: Exclude<Who, 'anonymous'>) {
  return who === 'admin' ? 'admin' : who === 'operatorA' ? 'operator' : 'viewer';
}

function groupsOf(who: Exclude<Who, 'anonymous'>) {
  return who === 'admin' ? [] : who === 'viewerB' ? [world.groupB] : [world.groupA];
}

/** A fresh user with the same role and grants as `who`, for operations that end sessions or change passwords. */
async function twin(who: Who) {
  if (who === 'anonymous') return null;
  return createUserAndSignIn(server, roleOf(who), groupsOf(who));
}

function errorOutcome(result: GqlResult): Outcome | null {
  const error = result.errors?.[0];
  if (!error) return null;
  const code = error.extensions?.code;
  if (code === 'UNAUTHENTICATED') return 'unauth';
  if (code === 'FORBIDDEN') return 'forbidden';
  return `error ${code ?? ''}: ${error.message}`;
}

/** A query: its error, else ok when `visible` finds the group-A object (or global data) in the answer. */
async function query(
  who: Who,
  document: string,
  variables: Record<string, unknown>,
  visible: (data: GqlData) => boolean,
) {
  const result: GqlResult = await server.gql(document, variables, token[who]);
  return errorOutcome(result) ?? (visible(result.data) ? 'ok' : 'hidden');
}

/** A mutation `name(input)`: its error, else ok for the Success type, hidden for NotFoundError. */
async function mutation(who: Who, name: string, input: Record<string, unknown>, asToken: string | null = token[who]) {
  const type = `${name[0]!.toUpperCase()}${name.slice(1)}`;
  const result: GqlResult = await server.gql(
    `mutation ($input: ${type}Input!) { ${name}(input: $input) { __typename ... on Error { message } } }`,
    { input },
    asToken,
  );
  const failed = errorOutcome(result);
  if (failed) return failed;
  const payload = result.data?.[name] as { __typename: string; message?: string };
  if (payload.__typename === `${type}Success`) return 'ok';
  if (payload.__typename === 'NotFoundError') return 'hidden';
  return `${payload.__typename}: ${payload.message}`;
}

/** Admin-side setup for rows that consume an object per call. */
async function adminCreate(name: string, input: Record<string, unknown>, selection: string): Promise<string> {
  const payload = await mutate(server, name, input, selection);
  assert.match(payload.__typename, /Success$/, `${name}: ${JSON.stringify(payload)}`);
  const object = Object.values(payload).find((value) => value && typeof value === 'object') as { id: string };
  return object.id;
}

const freshDevice = () =>
  createDevice(server, { pluginKey: 'binary_dummy', name: `m-${unique()}`, deviceGroupId: world.groupA }).then(
    (device) => device.id,
  );

/** A job that waits (due in a day) for a device, inserted directly: cancelJob rows consume one per call. */
async function waitingJob(deviceId: string): Promise<string> {
  const [job] = await server.app.database.db
    .insert(jobs)
    .values({ deviceId, runAfter: new Date(Date.now() + 86_400_000) })
    .returning({ id: jobs.id });
  return job!.id;
}

async function download(url: string, asToken: string | null): Promise<Outcome> {
  const response = await fetch(url, asToken ? { headers: { authorization: `Bearer ${asToken}` } } : {});
  await response.arrayBuffer();
  if (response.status === 200) return 'ok';
  if (response.status === 403) return 'forbidden';
  if (response.status === 401) return 'unauth';
  return `HTTP ${response.status}`;
}

/** An Oxidized API call as `who` (bearer token): 401 unauth, 403 forbidden, 404 hidden, 200 ok when `visible`. */
async function oxidized(who: Who, method: string, path: string, visible: (body: string) => boolean): Promise<Outcome> {
  const response = await fetch(`${server.url}/oxidized${path}`, {
    method,
    headers: token[who] ? { authorization: `Bearer ${token[who]}` } : {},
    ...(method === 'PUT' ? { body: JSON.stringify({ user: 'matrix' }) } : {}),
    ...(method === 'POST' ? { body: new URLSearchParams({ search_in_conf_textbox: '^hostname ' }) } : {}),
  });
  const body = await response.text();
  if (response.status === 401) return 'unauth';
  if (response.status === 403) return 'forbidden';
  if (response.status === 404) return 'hidden';
  if (response.status !== 200) return `HTTP ${response.status}`;
  return visible(body) ? 'ok' : 'hidden';
}

let inventorySourceId: Promise<string> | undefined;
/** One CSV inventory source (a header-only file: syncs succeed and change nothing) shared by the rows. */
function matrixInventorySource(): Promise<string> {
  inventorySourceId ??= (async () => {
    const file = join(server.dataDir, 'matrix-inventory.csv');
    await writeFile(file, 'name,host,pluginKey\n');
    return adminCreate(
      'createInventorySource',
      { name: `inv-${unique()}`, kind: 'CSV', url: file },
      'inventorySource { id }',
    );
  })();
  return inventorySourceId;
}

async function deviceName(id: string): Promise<string> {
  const [row] = await server.app.database.db.select({ name: devices.name }).from(devices).where(eq(devices.id, id));
  return row!.name;
}

async function downloadUrlFor(who: Who, backupId: string): Promise<string | Outcome> {
  const result: GqlResult = await server.gql(
    'query ($id: ID!) { backup(id: $id) { downloadUrl } }',
    { id: backupId },
    token[who],
  );
  return errorOutcome(result) ?? result.data?.backup?.downloadUrl ?? 'hidden';
}

function subscribeOnce(client: Client, query: string, variables: Record<string, unknown>) {
  return new Promise<{ events: unknown[]; error?: Outcome }>((resolve) => {
    const events: unknown[] = [];
    const timer = setTimeout(() => resolve({ events, error: 'timeout' }), 5 * 60_000);
    client.subscribe(
      { query, variables },
      {
        next: (result) => {
          if (result.errors) {
            clearTimeout(timer);
            resolve({ events, error: errorOutcome(result as GqlResult) ?? 'error' });
          } else events.push(result.data);
        },
        error: (error) => {
          clearTimeout(timer);
          const errors = Array.isArray(error) ? error : [error];
          resolve({ events, error: errorOutcome({ errors: errors as never }) ?? `error: ${String(error)}` });
        },
        complete: () => {
          clearTimeout(timer);
          resolve({ events });
        },
      },
    );
  });
}

const hasNode = (connection: { edges: { node: { id: string } }[] } | undefined, id: string) =>
  connection?.edges.some((edge) => edge.node.id === id) ?? false;

const rows: Row[] = [
  // ── Query ────────────────────────────────────────────────────────────────────────────────────────────
  {
    name: 'Query.apiTokens',
    expected: ownTokensOnly,
    run: (who) =>
      query(who, '{ apiTokens(first: 100) { edges { node { id } } } }', {}, (d) =>
        hasNode(d.apiTokens, world.operatorApiTokenId),
      ),
  },
  {
    name: 'Query.auditLog',
    expected: adminOnly,
    run: (who) =>
      query(who, '{ auditLog(first: 5) { edges { node { id action } } } }', {}, (d) => d.auditLog.edges.length > 0),
  },
  {
    name: 'Query.backup',
    expected: groupScopedRead,
    run: (who) =>
      query(
        who,
        'query ($id: ID!) { backup(id: $id) { id sha256 } }',
        { id: world.binaryBackupA },
        (d) => d.backup !== null,
      ),
  },
  {
    name: 'Query.backupMethods',
    expected: signedInRead,
    run: (who) => query(who, '{ backupMethods { key } }', {}, (d) => d.backupMethods.length > 0),
  },
  {
    name: 'Query.collectionGroup',
    expected: signedInRead,
    run: (who) =>
      query(
        who,
        'query ($id: ID!) { collectionGroup(id: $id) { id } }',
        { id: world.collectionGroup },
        (d) => d.collectionGroup !== null,
      ),
  },
  {
    name: 'Query.collectionGroups',
    expected: signedInRead,
    run: (who) =>
      query(who, '{ collectionGroups(first: 100) { edges { node { id } } } }', {}, (d) =>
        hasNode(d.collectionGroups, world.collectionGroup),
      ),
  },
  {
    name: 'Query.credential',
    expected: operatorsAndAdmins,
    run: (who) =>
      query(
        who,
        'query ($id: ID!) { credential(id: $id) { id name } }',
        { id: world.credential },
        (d) => d.credential !== null,
      ),
  },
  {
    name: 'Query.credentials',
    expected: operatorsAndAdmins,
    run: (who) =>
      query(who, '{ credentials(first: 100) { edges { node { id } } } }', {}, (d) =>
        hasNode(d.credentials, world.credential),
      ),
  },
  {
    name: 'Query.device',
    expected: groupScopedRead,
    run: (who) =>
      query(
        who,
        'query ($id: ID!) { device(id: $id) { id name } }',
        { id: world.textDeviceA },
        (d) => d.device !== null,
      ),
  },
  {
    name: 'Query.deviceGroup',
    expected: groupScopedRead,
    run: (who) =>
      query(
        who,
        'query ($id: ID!) { deviceGroup(id: $id) { id } }',
        { id: world.groupA },
        (d) => d.deviceGroup !== null,
      ),
  },
  {
    name: 'Query.deviceGroups',
    expected: groupScopedRead,
    run: (who) =>
      query(who, '{ deviceGroups(first: 100) { edges { node { id } } } }', {}, (d) =>
        hasNode(d.deviceGroups, world.groupA),
      ),
  },
  {
    name: 'Query.devices',
    expected: groupScopedRead,
    run: (who) =>
      query(who, '{ devices(first: 100) { edges { node { id } } } }', {}, (d) => hasNode(d.devices, world.textDeviceA)),
  },
  {
    name: 'Query.diff',
    expected: groupScopedRead,
    run: (who) =>
      query(
        who,
        'query ($a: ID!) { diff(fromBackupId: $a, toBackupId: $a) { __typename } }',
        { a: world.textBackupA },
        (d) => d.diff.__typename === 'Diff',
      ),
  },
  {
    name: 'Query.job',
    expected: groupScopedRead,
    run: (who) =>
      query(who, 'query ($id: ID!) { job(id: $id) { id status } }', { id: world.jobA }, (d) => d.job !== null),
  },
  {
    name: 'Query.jobs',
    expected: groupScopedRead,
    run: (who) =>
      query(
        who,
        'query ($filter: JobFilter) { jobs(first: 100, filter: $filter) { edges { node { id device { id } } } } }',
        { filter: { deviceId: world.binaryDeviceA } },
        (d) => hasNode(d.jobs, world.jobA),
      ),
  },
  {
    name: 'Query.retentionPolicies',
    expected: signedInRead,
    run: (who) => query(who, '{ retentionPolicies { id } }', {}, (d) => d.retentionPolicies.length > 0),
  },
  {
    name: 'Query.searchConfigs',
    expected: groupScopedRead,
    run: (who) =>
      query(
        who,
        '{ searchConfigs(pattern: "hostname") { __typename ... on SearchConfigsConnection { edges { node { device { id } } } } } }',
        {},
        (d) =>
          d.searchConfigs.edges?.some(
            (edge: { node: { device: { id: string } } }) => edge.node.device.id === world.textDeviceA,
          ) ?? false,
      ),
  },
  {
    name: 'Query.storageLocations',
    expected: adminOnly,
    run: (who) => query(who, '{ storageLocations { id } }', {}, (d) => Array.isArray(d.storageLocations)),
  },
  {
    name: 'Query.zones',
    expected: signedInRead,
    run: (who) =>
      query(who, '{ zones(first: 100) { edges { node { id } } } }', {}, (d) => Array.isArray(d.zones.edges)),
  },
  {
    name: 'Query.collectors',
    expected: adminOnly,
    run: (who) =>
      query(who, '{ collectors(first: 100) { edges { node { id } } } }', {}, (d) => Array.isArray(d.collectors.edges)),
  },
  {
    name: 'Query.user',
    expected: adminOnly,
    run: (who) =>
      query(who, 'query ($id: ID!) { user(id: $id) { id } }', { id: users.viewerA.id }, (d) => d.user !== null),
  },
  {
    name: 'Query.users',
    expected: adminOnly,
    run: (who) =>
      query(who, '{ users(first: 100) { edges { node { id } } } }', {}, (d) => hasNode(d.users, users.viewerA.id)),
  },
  {
    name: 'Query.viewer',
    expected: { ...signedInRead, anonymous: 'hidden' },
    run: (who) => query(who, '{ viewer { id } }', {}, (d) => d.viewer !== null),
  },

  {
    name: 'Query.alertRules',
    expected: adminOnly,
    run: (who) =>
      query(who, '{ alertRules { id } }', {}, (d) =>
        d.alertRules.some((r: { id: string }) => r.id === world.alertRule),
      ),
  },
  {
    name: 'Query.alerts',
    expected: groupScopedRead,
    run: (who) =>
      query(who, '{ alerts(first: 100) { edges { node { id } } } }', {}, (d) => hasNode(d.alerts, world.alertA)),
  },
  {
    name: 'Query.events',
    expected: groupScopedRead,
    run: (who) =>
      query(who, '{ events(first: 100) { edges { node { id deviceId } } } }', {}, (d) =>
        d.events.edges.some((edge: { node: { deviceId: string } }) => edge.node.deviceId === world.textDeviceA),
      ),
  },
  {
    name: 'Query.notificationChannels',
    expected: adminOnly,
    run: (who) =>
      query(who, '{ notificationChannels { id } }', {}, (d) =>
        d.notificationChannels.some((c: { id: string }) => c.id === world.channel),
      ),
  },
  {
    name: 'Query.notifications',
    expected: adminOnly,
    run: (who) =>
      query(who, '{ notifications(first: 5) { edges { node { id } } } }', {}, (d) =>
        Array.isArray(d.notifications.edges),
      ),
  },

  // ── Mutation ─────────────────────────────────────────────────────────────────────────────────────────
  {
    name: 'Mutation.changePassword',
    expected: { ...signedInRead },
    async run(who) {
      const user = await twin(who);
      const input = { currentPassword: user?.password ?? 'whatever-password', newPassword: `new-${unique()}-password` };
      return mutation(who, 'changePassword', input, user?.token ?? null);
    },
  },
  {
    name: 'Mutation.createApiToken',
    expected: signedInRead,
    run: (who) => mutation(who, 'createApiToken', { name: `matrix-${unique()}` }),
  },
  {
    name: 'Mutation.createCollectionGroup',
    expected: adminOnly,
    run: (who) => mutation(who, 'createCollectionGroup', { name: `cg-${unique()}` }),
  },
  {
    name: 'Mutation.createZone',
    expected: adminOnly,
    run: (who) => mutation(who, 'createZone', { name: `zone-${unique()}` }),
  },
  {
    name: 'Mutation.createCollector',
    expected: adminOnly,
    async run(who) {
      const created = await mutate(server, 'createZone', { name: `zone-${unique()}` }, 'zone { id }', token.admin);
      return mutation(who, 'createCollector', { name: `collector-${unique()}`, zoneId: created.zone.id });
    },
  },
  {
    name: 'Mutation.revokeCollector',
    expected: adminOnly,
    async run(who) {
      const zone = await mutate(server, 'createZone', { name: `zone-${unique()}` }, 'zone { id }', token.admin);
      const created = await mutate(
        server,
        'createCollector',
        { name: `collector-${unique()}`, zoneId: zone.zone.id },
        'collector { id }',
        token.admin,
      );
      return mutation(who, 'revokeCollector', { id: created.collector.id });
    },
  },
  {
    name: 'Mutation.createCredential',
    expected: adminOnly,
    run: (who) =>
      mutation(who, 'createCredential', { name: `cred-${unique()}`, username: 'u', secret: 's3cret-value' }),
  },
  {
    name: 'Mutation.createDevice',
    expected: { ...operateGroupADevice, viewerB: 'forbidden' },
    run: (who) =>
      mutation(who, 'createDevice', {
        name: `new-${unique()}`,
        host: '127.0.0.1',
        pluginKey: 'binary_dummy',
        deviceGroupId: world.groupA,
      }),
  },
  {
    name: 'Mutation.createDeviceGroup',
    expected: adminOnly,
    run: (who) => mutation(who, 'createDeviceGroup', { name: `dg-${unique()}` }),
  },
  {
    name: 'Mutation.createRetentionPolicy',
    expected: adminOnly,
    run: (who) => mutation(who, 'createRetentionPolicy', { name: `rp-${unique()}`, keepLast: 50 }),
  },
  {
    name: 'Mutation.createStorageLocation',
    expected: adminOnly,
    run: (who) =>
      mutation(who, 'createStorageLocation', { name: `loc-${unique()}`, kind: 'FS', path: `locations/${unique()}` }),
  },
  {
    name: 'Mutation.createUser',
    expected: adminOnly,
    run: (who) =>
      mutation(who, 'createUser', { username: `u-${unique()}`, role: 'viewer', password: 'long-enough-password' }),
  },
  {
    name: 'Mutation.deleteCollectionGroup',
    expected: adminOnly,
    run: async (who) =>
      mutation(who, 'deleteCollectionGroup', {
        id: (await createCollectionGroup(server)).id,
      }),
  },
  {
    name: 'Mutation.deleteCredential',
    expected: adminOnly,
    run: async (who) =>
      mutation(who, 'deleteCredential', {
        id: await adminCreate(
          'createCredential',
          { name: `gone-${unique()}`, username: 'u', secret: 'doomed-secret' },
          'credential { id }',
        ),
      }),
  },
  {
    name: 'Mutation.deleteDevice',
    expected: adminOnly,
    run: async (who) => mutation(who, 'deleteDevice', { id: await freshDevice() }),
  },
  {
    name: 'Mutation.deleteDeviceGroup',
    expected: adminOnly,
    run: async (who) => mutation(who, 'deleteDeviceGroup', { id: (await createDeviceGroup(server)).id }),
  },
  {
    name: 'Mutation.deleteUser',
    expected: adminOnly,
    run: async (who) =>
      mutation(who, 'deleteUser', {
        id: await adminCreate(
          'createUser',
          { username: `gone-${unique()}`, role: 'viewer', password: 'long-enough-password' },
          'user { id }',
        ),
      }),
  },
  {
    name: 'Mutation.importDevicesCsv',
    expected: operatorsAndAdmins,
    run: (who) =>
      mutation(who, 'importDevicesCsv', {
        csv: `name,host,pluginKey,deviceGroup\nimported-${unique()},127.0.0.1,binary_dummy,${world.groupAName}\n`,
      }),
  },
  {
    name: 'Mutation.login',
    expected: { anonymous: 'ok', viewerA: 'ok', operatorA: 'ok', admin: 'ok', viewerB: 'ok' },
    run(who) {
      const user =
        who === 'admin'
          ? { username: 'admin', password: testAdminPassword }
          : users[who === 'anonymous' ? 'viewerA' : who];
      return mutation(who, 'login', { username: user.username, password: user.password });
    },
  },
  {
    name: 'Mutation.logout',
    expected: signedInRead,
    async run(who) {
      // Its own session, so the matrix's tokens stay valid.
      const session =
        who === 'anonymous'
          ? null
          : who === 'admin'
            ? await signIn(server.url, 'admin', testAdminPassword)
            : await signIn(server.url, users[who].username, users[who].password);
      const result: GqlResult = await server.gql('mutation { logout { ok } }', {}, session);
      return errorOutcome(result) ?? (result.data?.logout?.ok ? 'ok' : 'hidden');
    },
  },
  {
    name: 'Mutation.resetUserPassword',
    expected: adminOnly,
    run: async (who) => {
      const user = await adminCreate(
        'createUser',
        { username: `reset-${unique()}`, role: 'viewer', password: 'long-enough-password' },
        'user { id }',
      );
      return mutation(who, 'resetUserPassword', { id: user, newPassword: 'another-long-password' });
    },
  },
  {
    name: 'Mutation.revokeApiToken',
    expected: ownTokensOnly,
    async run(who) {
      const created = await mutate(
        server,
        'createApiToken',
        { name: `r-${unique()}` },
        'apiToken { id }',
        token.operatorA,
      );
      return mutation(who, 'revokeApiToken', { id: created.apiToken.id });
    },
  },
  {
    name: 'Mutation.setDeviceEnabled',
    expected: operateGroupADevice,
    run: (who) => mutation(who, 'setDeviceEnabled', { id: world.binaryDeviceA, enabled: true }),
  },
  {
    name: 'Mutation.setStoragePolicy',
    expected: adminOnly,
    run: (who) =>
      mutation(who, 'setStoragePolicy', { deviceId: world.binaryDeviceA, retentionPolicyId: world.retentionPolicy }),
  },
  {
    name: 'Mutation.triggerBackup',
    expected: operateGroupADevice,
    run: (who) => mutation(who, 'triggerBackup', { deviceId: world.binaryDeviceA }),
  },
  {
    name: 'Mutation.archiveDevice',
    expected: operateGroupADevice,
    run: async (who) => mutation(who, 'archiveDevice', { id: await freshDevice() }),
  },
  {
    name: 'Mutation.unarchiveDevice',
    expected: operateGroupADevice,
    run: async (who) => {
      const id = await freshDevice();
      await mutate(server, 'archiveDevice', { id }, 'device { id }');
      return mutation(who, 'unarchiveDevice', { id });
    },
  },
  {
    name: 'Query.fleetStatus',
    expected: signedInRead,
    run: (who) => query(who, '{ fleetStatus { total fresh } }', {}, (d) => typeof d.fleetStatus.total === 'number'),
  },
  {
    // Counts only the devices each caller may read (activity.test.ts checks a group-B viewer counts none of A's).
    name: 'Query.activity',
    expected: signedInRead,
    run: (who) =>
      query(
        who,
        'query ($from: DateTime!) { activity(from: $from, interval: HOUR) { start succeeded } }',
        { from: new Date(Date.now() - 3_600_000).toISOString() },
        (d) => Array.isArray(d.activity),
      ),
  },
  {
    name: 'Query.scheduledRuns',
    expected: signedInRead,
    run: (who) => query(who, '{ scheduledRuns(first: 5) { at } }', {}, (d) => Array.isArray(d.scheduledRuns)),
  },
  {
    name: 'Mutation.cancelJob',
    expected: operateGroupADevice,
    run: async (who) => mutation(who, 'cancelJob', { id: await waitingJob(await freshDevice()) }),
  },
  {
    name: 'Mutation.updateCollectionGroup',
    expected: adminOnly,
    run: (who) => mutation(who, 'updateCollectionGroup', { id: world.collectionGroup, timeoutSeconds: 60 }),
  },
  {
    name: 'Mutation.updateCredential',
    expected: adminOnly,
    run: (who) => mutation(who, 'updateCredential', { id: world.credential, username: 'netops' }),
  },
  {
    name: 'Mutation.updateDevice',
    expected: operateGroupADevice,
    run: (who) => mutation(who, 'updateDevice', { id: world.binaryDeviceA, scrubSecrets: false }),
  },
  {
    name: 'Mutation.updateDevices',
    expected: operateGroupADevice,
    run: (who) => mutation(who, 'updateDevices', { deviceIds: [world.binaryDeviceA], enabled: true }),
  },
  {
    name: 'Mutation.updateDeviceGroup',
    expected: adminOnly,
    run: (who) => mutation(who, 'updateDeviceGroup', { id: world.groupA, description: `edited by ${who}` }),
  },
  {
    name: 'Mutation.updateRetentionPolicy',
    expected: adminOnly,
    run: (who) => mutation(who, 'updateRetentionPolicy', { id: world.retentionPolicy, keepDays: 365 }),
  },
  {
    name: 'Mutation.updateStorageLocation',
    expected: adminOnly,
    run: async (who) =>
      mutation(who, 'updateStorageLocation', {
        id: await adminCreate(
          'createStorageLocation',
          { name: `upd-loc-${unique()}`, kind: 'FS', path: `locations/upd-${unique()}` },
          'storageLocation { id }',
        ),
        name: `renamed-loc-${unique()}`,
      }),
  },
  {
    name: 'Mutation.updateUser',
    expected: adminOnly,
    run: async (who) =>
      mutation(who, 'updateUser', {
        id: await adminCreate(
          'createUser',
          { username: `upd-${unique()}`, role: 'viewer', password: 'long-enough-password' },
          'user { id }',
        ),
        role: 'operator',
      }),
  },

  // ── Subscription ─────────────────────────────────────────────────────────────────────────────────────
  {
    name: 'Subscription.jobProgress',
    expected: groupScopedRead,
    async run(who) {
      const { events, error } = await subscribeOnce(server.ws(token[who]), jobProgressSubscription, {
        jobId: world.jobA,
      });
      return error ?? (events.length > 0 ? 'ok' : 'hidden');
    },
  },
  {
    name: 'Subscription.jobEvents',
    expected: groupScopedRead,
    async runAll() {
      const seen = Object.fromEntries(identities.map((who) => [who, [] as string[]])) as Record<Who, string[]>;
      const errors = {} as Record<Who, Outcome | undefined>;
      const clients = identities.map((who) => server.ws(token[who]));
      identities.forEach((who, index) => {
        clients[index]!.subscribe(
          { query: 'subscription { jobEvents { deviceId status } }' },
          {
            next: (result) => {
              if (result.errors) errors[who] = errorOutcome(result as GqlResult) ?? 'error';
              else seen[who].push((result.data as { jobEvents: { deviceId: string } }).jobEvents.deviceId);
            },
            error: (error) => {
              errors[who] = errorOutcome({ errors: (Array.isArray(error) ? error : [error]) as never }) ?? 'error';
            },
            complete: () => {},
          },
        );
      });
      // Every signed-in subscriber hears the admin's "probe" on a group-B device only if it may: wait until
      // viewerB has heard it, so every subscription is live before the group-A backup starts.
      await waitFor(async () => {
        await runBackup(world.deviceB);
        return seen.viewerB.length > 0 && seen.admin.length > 0;
      });
      await runBackup(world.binaryDeviceA);
      // Give everyone who may hear it time to (minutes, so a busy machine doesn't turn "ok" into "hidden"),
      // then a moment more for anyone who must not.
      const heard = (who: Who) =>
        errors[who] || groupScopedRead[who] !== 'ok' || seen[who].includes(world.binaryDeviceA);
      for (const deadline = Date.now() + 2 * 60_000; !identities.every(heard) && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const client of clients) await client.dispose();

      // Sanity: group-A users heard nothing about group B either.
      assert.equal(seen.viewerA.includes(world.deviceB), false);
      assert.equal(seen.operatorA.includes(world.deviceB), false);
      return Object.fromEntries(
        identities.map((who) => [who, errors[who] ?? (seen[who].includes(world.binaryDeviceA) ? 'ok' : 'hidden')]),
      ) as Record<Who, Outcome>;
    },
  },

  // ── Change hook (issue 11): operators of the device's group and admins queue a backup ──────────────
  {
    name: 'POST /hooks/device-changed',
    expected: { anonymous: 'unauth', viewerA: 'forbidden', operatorA: 'ok', admin: 'ok', viewerB: 'forbidden' },
    async run(who) {
      const response = await fetch(`${server.url}/hooks/device-changed`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token[who] ? { authorization: `Bearer ${token[who]}` } : {}),
        },
        body: JSON.stringify({ device: await freshDevice(), user: 'matrix' }),
      });
      await response.arrayBuffer();
      return (
        { 202: 'ok', 401: 'unauth', 403: 'forbidden', 404: 'hidden' }[response.status] ?? `HTTP ${response.status}`
      );
    },
  },
  {
    name: 'Mutation.acknowledgeAlert',
    expected: operateGroupADevice,
    run: (who) => mutation(who, 'acknowledgeAlert', { id: world.alertA }),
  },
  {
    name: 'Mutation.createAlertRule',
    expected: adminOnly,
    run: (who) =>
      mutation(who, 'createAlertRule', {
        name: `r-${unique()}`,
        kinds: ['BACKUP_FAILED'],
        channelIds: [world.channel],
      }),
  },
  {
    name: 'Mutation.createNotificationChannel',
    expected: adminOnly,
    run: (who) =>
      mutation(who, 'createNotificationChannel', {
        name: `c-${unique()}`,
        kind: 'WEBHOOK',
        url: 'http://127.0.0.1:9/x',
      }),
  },
  {
    name: 'Mutation.deleteAlertRule',
    expected: adminOnly,
    run: async (who) =>
      mutation(who, 'deleteAlertRule', {
        id: await adminCreate(
          'createAlertRule',
          { name: `gone-${unique()}`, kinds: ['BACKUP_FAILED'], channelIds: [world.channel] },
          'alertRule { id }',
        ),
      }),
  },
  {
    name: 'Mutation.deleteNotificationChannel',
    expected: adminOnly,
    run: async (who) =>
      mutation(who, 'deleteNotificationChannel', {
        id: await adminCreate(
          'createNotificationChannel',
          { name: `gone-${unique()}`, kind: 'SLACK', url: 'http://127.0.0.1:9/s' },
          'channel { id }',
        ),
      }),
  },
  {
    name: 'Mutation.sendTestNotification',
    expected: adminOnly,
    async run(who) {
      const outcome = await mutation(who, 'sendTestNotification', { channelId: world.channel });
      return outcome;
    },
  },
  {
    name: 'Mutation.updateAlertRule',
    expected: adminOnly,
    run: (who) => mutation(who, 'updateAlertRule', { id: world.alertRule, minConsecutiveFailures: 1 }),
  },
  {
    name: 'Mutation.updateNotificationChannel',
    expected: adminOnly,
    run: (who) => mutation(who, 'updateNotificationChannel', { id: world.channel, name: `matrix-${unique()}` }),
  },
  liveRow(
    'Subscription.alerts',
    'subscription { alerts { id deviceId } }',
    (data) => data.alerts.deviceId,
    async (deviceId) => {
      const iso = new Date().toISOString();
      const change = {
        id: crypto.randomUUID(),
        ruleId: world.alertRule,
        kind: 'BACKUP_FAILED',
        deviceId,
        state: 'OPEN' as const,
        occurrences: 1,
        createdAt: iso,
        lastSeenAt: iso,
        acknowledgedAt: null,
        resolvedAt: null,
      };
      server.app.pubsub.publish('alertChanged', change);
    },
  ),
  liveRow(
    'Subscription.configChanged',
    'subscription { configChanged { id deviceId } }',
    (data) => data.configChanged.deviceId,
    async (deviceId) => {
      server.app.pubsub.publish('deviceEvents', {
        id: crypto.randomUUID(),
        kind: 'BACKUP_CHANGED',
        deviceId,
        payload: {},
        createdAt: new Date().toISOString(),
      });
    },
  ),
  liveRow(
    'Subscription.deviceEvents',
    'subscription { deviceEvents { id deviceId } }',
    (data) => data.deviceEvents.deviceId,
    async (deviceId) => {
      server.app.pubsub.publish('deviceEvents', {
        id: crypto.randomUUID(),
        kind: 'BACKUP_FAILED',
        deviceId,
        payload: {},
        createdAt: new Date().toISOString(),
      });
    },
  ),

  liveRow(
    'Subscription.devicesChanged',
    'subscription { devicesChanged { kind deviceIds } }',
    (data) => data.devicesChanged.deviceIds?.[0] ?? '-',
    async (deviceId) => {
      // A real write: the devices trigger notifies (drizzle/0013).
      await server.app.database.db.update(devices).set({ updatedAt: new Date() }).where(eq(devices.id, deviceId));
    },
  ),

  // ── Downloads ────────────────────────────────────────────────────────────────────────────────────────
  {
    name: 'GET /downloads (own URL, own bearer)',
    expected: groupScopedRead,
    async run(who) {
      const url = await downloadUrlFor(who, world.binaryBackupA);
      return url.startsWith('http') ? download(url, token[who]) : url;
    },
  },
  {
    name: 'GET /downloads (admin’s URL, no credentials)',
    expected: { anonymous: 'ok', viewerA: 'ok', operatorA: 'ok', admin: 'ok', viewerB: 'ok' },
    async run() {
      // The signed URL alone is the capability (browser links, curl): short-lived and bound to its user.
      const url = await downloadUrlFor('admin', world.textBackupA);
      return download(url, null);
    },
  },
  {
    name: 'GET /downloads (admin’s URL, presenter’s bearer)',
    expected: { anonymous: 'ok', viewerA: 'forbidden', operatorA: 'forbidden', admin: 'ok', viewerB: 'forbidden' },
    async run(who) {
      const url = await downloadUrlFor('admin', world.binaryBackupA);
      return download(url, token[who]);
    },
  },
  // ── Oxidized-compatible REST API (issue 14): tokens read their groups' nodes; operators queue ──────────
  {
    name: 'GET /oxidized/nodes.json',
    expected: groupScopedRead,
    run: async (who) => {
      const name = await deviceName(world.textDeviceA);
      return oxidized(who, 'GET', '/nodes.json', (body) =>
        (JSON.parse(body) as { name: string }[]).some((n) => n.name === name),
      );
    },
  },
  {
    name: 'GET /oxidized/node/fetch/:node',
    expected: groupScopedRead,
    run: async (who) =>
      oxidized(
        who,
        'GET',
        `/node/fetch/${await deviceName(world.textDeviceA)}`,
        (body) => !body.startsWith('unable to find'),
      ),
  },
  {
    name: 'GET /oxidized/node/version.json',
    expected: groupScopedRead,
    run: async (who) =>
      oxidized(
        who,
        'GET',
        `/node/version.json?node_full=${await deviceName(world.textDeviceA)}`,
        (body) => typeof (JSON.parse(body) as unknown[])[0] === 'object',
      ),
  },
  {
    name: 'GET /oxidized/nodes/:filter/*',
    expected: groupScopedRead,
    run: async (who) => {
      const name = await deviceName(world.textDeviceA);
      return oxidized(who, 'GET', `/nodes/group/${encodeURIComponent(world.groupAName)}.json`, (body) =>
        (JSON.parse(body) as { name: string }[]).some((node) => node.name === name),
      );
    },
  },
  {
    name: 'GET /oxidized/node/show/:node',
    expected: groupScopedRead,
    run: async (who) => oxidized(who, 'GET', `/node/show/${await deviceName(world.textDeviceA)}.json`, () => true),
  },
  {
    name: 'GET /oxidized/node/version/view.json',
    expected: groupScopedRead,
    run: async (who) =>
      oxidized(
        who,
        'GET',
        `/node/version/view.json?node=${await deviceName(world.textDeviceA)}&oid=${world.textBackupA}`,
        (body) => body !== '["version not found"]',
      ),
  },
  {
    name: 'GET /oxidized/node/version/diffs',
    expected: groupScopedRead,
    run: async (who) =>
      oxidized(
        who,
        'GET',
        `/node/version/diffs?node=${await deviceName(world.textDeviceA)}&oid=${world.textBackupA}&oid2=${world.textBackupA}&format=json`,
        (body) => body !== '["No diff available"]',
      ),
  },
  {
    name: 'POST /oxidized/nodes/conf_search',
    expected: groupScopedRead,
    run: async (who) => {
      const name = await deviceName(world.textDeviceA);
      return oxidized(who, 'POST', '/nodes/conf_search.json', (body) =>
        (JSON.parse(body) as { node: string }[]).some((node) => node.node === name),
      );
    },
  },
  {
    name: 'PUT /oxidized/node/next/:node',
    expected: operateGroupADevice,
    run: async (who) => oxidized(who, 'PUT', `/node/next/${await deviceName(await freshDevice())}.json`, () => true),
  },
  // ── Snapshot export (issue 14): a signed URL; the zip holds what its user may read ──────────────────────
  {
    name: 'Query.configsExportUrl',
    expected: groupScopedRead,
    run: (who) =>
      query(
        who,
        'query ($g: ID) { configsExportUrl(deviceGroupId: $g) }',
        { g: world.groupA },
        (d) => typeof d.configsExportUrl === 'string',
      ),
  },
  {
    name: 'GET /exports/configs.zip (own URL, own bearer)',
    expected: groupScopedRead,
    async run(who) {
      const result: GqlResult = await server.gql('{ configsExportUrl }', {}, token[who]);
      const url = result.data?.configsExportUrl as string | undefined;
      if (!url) return errorOutcome(result) ?? 'hidden';
      const response = await fetch(url, token[who] ? { headers: { authorization: `Bearer ${token[who]}` } } : {});
      const zip = Buffer.from(await response.arrayBuffer());
      if (response.status === 403) return 'forbidden';
      if (response.status !== 200) return `HTTP ${response.status}`;
      // The zip's central directory names each file: is the group-A device's config in it?
      return zip.includes(`configs/${await deviceName(world.textDeviceA)}.cfg`) ? 'ok' : 'hidden';
    },
  },
  // ── Inventory sources (issue 14): administrators only ─────────────────────────────────────────────────
  {
    name: 'Query.inventorySources',
    expected: adminOnly,
    run: (who) => query(who, '{ inventorySources { id } }', {}, () => true),
  },
  {
    name: 'Mutation.createInventorySource',
    expected: adminOnly,
    run: (who) =>
      mutation(who, 'createInventorySource', { name: `inv-${unique()}`, kind: 'CSV', url: '/nonexistent.csv' }),
  },
  {
    name: 'Mutation.updateInventorySource',
    expected: adminOnly,
    run: async (who) => mutation(who, 'updateInventorySource', { id: await matrixInventorySource(), enabled: true }),
  },
  {
    name: 'Mutation.deleteInventorySource',
    expected: adminOnly,
    run: async (who) =>
      mutation(who, 'deleteInventorySource', {
        id: await adminCreate(
          'createInventorySource',
          { name: `inv-${unique()}`, kind: 'CSV', url: '/nonexistent.csv' },
          'inventorySource { id }',
        ),
      }),
  },
  {
    name: 'Mutation.syncInventorySource',
    expected: adminOnly,
    run: async (who) => mutation(who, 'syncInventorySource', { id: await matrixInventorySource(), dryRun: true }),
  },
  // ── Remote git mirrors (issue 14): administrators only ────────────────────────────────────────────────
  {
    name: 'Mutation.setStorageMirror',
    expected: adminOnly,
    run: async (who) =>
      mutation(who, 'setStorageMirror', {
        id: await adminCreate(
          'createStorageLocation',
          { name: `mirror-${unique()}`, kind: 'GIT', path: `locations/mirror-${unique()}` },
          'storageLocation { id }',
        ),
        url: 'https://git.example.net/backups.git',
      }),
  },
  // ── Scrub rules and backup filters (issue 10 items 4, 7): operators manage their groups' ones ──────────
  {
    name: 'Query.scrubRules',
    expected: groupScopedRead,
    run: async (who) => {
      const id = await groupARule('createScrubRule');
      return query(who, '{ scrubRules(first: 100) { edges { node { id } } } }', {}, (d) => hasNode(d.scrubRules, id));
    },
  },
  {
    name: 'Query.backupFilters',
    expected: groupScopedRead,
    run: async (who) => {
      const id = await groupARule('createBackupFilter');
      return query(who, '{ backupFilters(first: 100) { edges { node { id } } } }', {}, (d) =>
        hasNode(d.backupFilters, id),
      );
    },
  },
  {
    name: 'Query.previewScrubRule',
    expected: groupScopedRead,
    run: (who) =>
      query(
        who,
        `query ($input: PreviewScrubRuleInput!) { previewScrubRule(input: $input) { __typename } }`,
        { input: { pattern: '^hostname .*', replacement: 'hostname x', backupId: world.textBackupA } },
        (d) => d.previewScrubRule.__typename === 'ScrubRulePreview',
      ),
  },
  {
    name: 'Query.previewBackupFilter',
    expected: groupScopedRead,
    run: (who) =>
      query(
        who,
        `query ($input: PreviewBackupFilterInput!) { previewBackupFilter(input: $input) { __typename } }`,
        { input: { pattern: '^hostname ', deviceId: world.textDeviceA } },
        (d) => d.previewBackupFilter.__typename === 'BackupFilterPreview',
      ),
  },
  {
    name: 'Mutation.createScrubRule',
    expected: operatorsAndAdmins,
    run: (who) =>
      mutation(who, 'createScrubRule', { pattern: '^banner .*', replacement: 'banner x', deviceGroupId: world.groupA }),
  },
  {
    name: 'Mutation.updateScrubRule',
    expected: operateGroupADevice,
    run: async (who) =>
      mutation(who, 'updateScrubRule', { id: await freshGroupARule('createScrubRule'), replacement: 'banner y' }),
  },
  {
    name: 'Mutation.deleteScrubRule',
    expected: operateGroupADevice,
    run: async (who) => mutation(who, 'deleteScrubRule', { id: await freshGroupARule('createScrubRule') }),
  },
  {
    name: 'Mutation.createBackupFilter',
    expected: operatorsAndAdmins,
    run: (who) =>
      mutation(who, 'createBackupFilter', {
        kind: 'IGNORE_FOR_CHANGES',
        pattern: '^ntp ',
        deviceGroupId: world.groupA,
      }),
  },
  {
    name: 'Mutation.updateBackupFilter',
    expected: operateGroupADevice,
    run: async (who) =>
      mutation(who, 'updateBackupFilter', { id: await freshGroupARule('createBackupFilter'), pattern: '^ntp peer ' }),
  },
  {
    name: 'Mutation.deleteBackupFilter',
    expected: operateGroupADevice,
    run: async (who) => mutation(who, 'deleteBackupFilter', { id: await freshGroupARule('createBackupFilter') }),
  },
  {
    name: 'Query.networkPolicy',
    expected: adminOnly,
    run: (who) => query(who, '{ networkPolicy { allow deny } }', {}, (d) => Array.isArray(d.networkPolicy?.deny)),
  },
  {
    name: 'Mutation.updateNetworkPolicy',
    expected: adminOnly,
    // Leaves the deny list as it is: the matrix's own devices must stay reachable.
    run: (who) => mutation(who, 'updateNetworkPolicy', { allow: [] }),
  },
];

/** A scrub rule or backup filter scoped to group A, created by the admin (one per call). */
function freshGroupARule(kind: 'createScrubRule' | 'createBackupFilter'): Promise<string> {
  return kind === 'createScrubRule'
    ? adminCreate(
        kind,
        { pattern: '^banner .*', replacement: 'banner x', deviceGroupId: world.groupA },
        'scrubRule { id }',
      )
    : adminCreate(
        kind,
        { kind: 'REMOVE_BEFORE_STORING', pattern: '^ntp ', deviceGroupId: world.groupA },
        'backupFilter { id }',
      );
}

const sharedGroupARules = new Map<string, Promise<string>>();

/** One group-A rule or filter shared by the list rows. */
function groupARule(kind: 'createScrubRule' | 'createBackupFilter'): Promise<string> {
  let id = sharedGroupARules.get(kind);
  if (!id) {
    id = freshGroupARule(kind);
    sharedGroupARules.set(kind, id);
  }
  return id;
}

async function waitFor(check: () => Promise<boolean>, attempts = 20) {
  for (let attempt = 0; attempt < attempts; attempt++) if (await check()) return;
  throw new Error('condition not met');
}

async function runBackup(deviceId: string) {
  const { job } = await triggerBackup(server, deviceId);
  const events = await collectSubscription<ProgressEvent>(server.ws(), jobProgressSubscription, { jobId: job!.id });
  const last = events.at(-1)!.jobProgress;
  assert.equal(last.status, 'succeeded', JSON.stringify(last));
  return { jobId: job!.id, backupId: last.backupId! };
}

before(async () => {
  server = await startTestServer({ oxidizedApi: true });
  replay = await startReplayServer(await loadRecording(join(fixtures, 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml')), {
    username: 'netops',
    password: 'matrix-device-password',
  });
  const groupA = await createDeviceGroup(server, `group-a-${unique()}`);
  world.groupA = groupA.id;
  world.groupAName = groupA.name;
  world.groupB = (await createDeviceGroup(server, `group-b-${unique()}`)).id;
  world.collectionGroup = (await createCollectionGroup(server)).id;
  world.credentialName = `matrix-${unique()}`;
  world.credential = await adminCreate(
    'createCredential',
    { name: world.credentialName, username: 'netops', secret: 'matrix-device-password', deviceGroupId: world.groupA },
    'credential { id }',
  );
  world.retentionPolicy = await adminCreate(
    'createRetentionPolicy',
    { name: `keep-${unique()}`, keepLast: 100 },
    'retentionPolicy { id }',
  );
  world.binaryDeviceA = (await createDevice(server, { pluginKey: 'binary_dummy', deviceGroupId: world.groupA })).id;
  world.textDeviceA = (
    await createDevice(server, {
      pluginKey: 'cisco_ios',
      port: replay.port,
      credentialId: world.credential,
      deviceGroupId: world.groupA,
    })
  ).id;
  world.deviceB = (await createDevice(server, { pluginKey: 'binary_dummy', deviceGroupId: world.groupB })).id;
  const binary = await runBackup(world.binaryDeviceA);
  world.binaryBackupA = binary.backupId;
  world.jobA = binary.jobId;
  world.textBackupA = (await runBackup(world.textDeviceA)).backupId;

  token.anonymous = null;
  token.admin = server.adminToken;
  for (const who of ['viewerA', 'operatorA', 'viewerB'] as const) {
    const user = await createUserAndSignIn(server, roleOf(who), groupsOf(who));
    users[who] = user;
    token[who] = user.token;
  }
  const apiToken = await mutate(server, 'createApiToken', { name: 'operator-a' }, 'apiToken { id }', token.operatorA);
  world.operatorApiTokenId = apiToken.apiToken.id;
  world.channel = await adminCreate(
    'createNotificationChannel',
    { name: `matrix-${unique()}`, kind: 'WEBHOOK', url: 'http://127.0.0.1:9/matrix' },
    'channel { id }',
  );
  world.alertRule = await adminCreate(
    'createAlertRule',
    {
      name: `matrix-${unique()}`,
      kinds: ['DEVICE_STALE'],
      deviceGroupIds: [world.groupA],
      channelIds: [world.channel],
    },
    'alertRule { id }',
  );
  // A group-A event and an open alert about it, seeded as the runner and evaluator would write them.
  const db = server.app.database.db;
  const [event] = await db
    .insert(events)
    .values({ kind: 'DEVICE_STALE', deviceId: world.textDeviceA, payload: {}, evaluatedAt: new Date() })
    .returning();
  const [alert] = await db
    .insert(alerts)
    .values({
      ruleId: world.alertRule,
      kind: 'DEVICE_STALE',
      deviceId: world.textDeviceA,
      subject: world.textDeviceA,
      openedEventId: event!.id,
      lastEventId: event!.id,
    })
    .returning();
  world.alertA = alert!.id;
});

after(async () => {
  await replay?.close();
  await server?.stop();
});

describe('the authorization matrix', () => {
  const results = new Map<string, Record<Who, Outcome>>();

  it('has a row for every root field of Query, Mutation and Subscription', () => {
    const schema = buildSchema();
    const fields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
      type ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : [],
    );
    const covered = new Set(rows.map((row) => row.name));

    const missing = fields.filter((field) => !covered.has(field));
    const stale = [...covered].filter((name) => !/^(GET|PUT|POST) \//.test(name) && !fields.includes(name));

    assert.deepEqual(missing, [], 'root fields without a matrix row: add them to authorization-matrix.test.ts');
    assert.deepEqual(stale, [], 'matrix rows for fields that no longer exist');
  });

  it('gives every identity the expected outcome for every operation', async () => {
    for (const row of rows) {
      if (row.runAll) {
        results.set(row.name, await row.runAll());
        continue;
      }
      const observed = {} as Record<Who, Outcome>;
      for (const who of identities) {
        try {
          observed[who] = await row.run!(who);
        } catch (error) {
          observed[who] = `threw: ${(error as Error).message.slice(0, 200)}`;
        }
      }
      results.set(row.name, observed);
    }

    const mismatches: string[] = [];
    for (const row of rows) {
      for (const who of identities) {
        const got = results.get(row.name)![who];
        if (got !== row.expected[who])
          mismatches.push(`${row.name} as ${who}: expected ${row.expected[who]}, got ${got}`);
      }
    }
    console.log(renderTable(rows, results));
    const cells = rows.length * identities.length;
    console.log(
      `${cells - mismatches.length}/${cells} cells as expected (${rows.length} rows × ${identities.length} identities)`,
    );
    assert.deepEqual(mismatches, []);
  });

  it('keeps an operator of group A out of group B: no moving, creating or importing there', async () => {
    const moved = await mutation('operatorA', 'updateDevice', { id: world.binaryDeviceA, deviceGroupId: world.groupB });
    const created = await mutation('operatorA', 'createDevice', {
      name: `b-${unique()}`,
      host: '127.0.0.1',
      pluginKey: 'binary_dummy',
      deviceGroupId: world.groupB,
    });
    const ungrouped = await mutation('operatorA', 'createDevice', {
      name: `none-${unique()}`,
      host: '127.0.0.1',
      pluginKey: 'binary_dummy',
    });
    const groupBName = (await server.gql('query ($id: ID!) { deviceGroup(id: $id) { name } }', { id: world.groupB }))
      .data.deviceGroup.name;
    const imported = await server.gql(
      'mutation ($input: ImportDevicesCsvInput!) { importDevicesCsv(input: $input) { ... on ImportDevicesCsvSuccess { createdCount rowErrors { field message } } } }',
      { input: { csv: `name,host,pluginKey,deviceGroup\nsneaky-${unique()},127.0.0.1,binary_dummy,${groupBName}\n` } },
      token.operatorA,
    );
    const triggered = await mutation('operatorA', 'triggerBackup', { deviceId: world.deviceB });

    assert.equal(moved, 'forbidden');
    assert.equal(created, 'forbidden');
    assert.equal(ungrouped, 'forbidden');
    assert.equal(imported.data.importDevicesCsv.createdCount, 0);
    assert.equal(imported.data.importDevicesCsv.rowErrors[0].field, 'deviceGroup');
    assert.equal(triggered, 'hidden');
  });

  it('stops honouring a download URL once its user loses access to the group', async () => {
    const viewer = await createUserAndSignIn(server, 'viewer', [world.groupA]);
    const url = (
      await server.gql(
        'query ($id: ID!) { backup(id: $id) { downloadUrl } }',
        { id: world.binaryBackupA },
        viewer.token,
      )
    ).data.backup.downloadUrl as string;
    const before = await download(url, null);

    await mutate(server, 'updateUser', { id: viewer.id, deviceGroupIds: [world.groupB] }, 'user { id }');
    const afterRevoke = await download(url, null);

    assert.equal(before, 'ok');
    assert.equal(afterRevoke, 'forbidden');
  });
});

const symbols: Record<string, string> = { ok: '✓', hidden: '∅', unauth: '401', forbidden: '403' };

function renderTable(table: Row[], results: Map<string, Record<Who, Outcome>>): string {
  const width = Math.max(...table.map((row) => row.name.length)) + 2;
  const header = `${'operation'.padEnd(width)}${identities.map((who) => who.padEnd(11)).join('')}`;
  const lines = table.map((row) => {
    const observed = results.get(row.name)!;
    const cells = identities.map((who) => {
      const got = observed[who];
      const cell = symbols[got] ?? '??';
      return (got === row.expected[who] ? cell : `${cell}≠${symbols[row.expected[who]] ?? '?'}`).padEnd(11);
    });
    return `${row.name.padEnd(width)}${cells.join('')}`;
  });
  return [
    '',
    'Authorization matrix (✓ allowed · ∅ hidden: null/empty/NotFound/no event · 401 unauthenticated · 403 forbidden)',
    header,
    '-'.repeat(header.length),
    ...lines,
    '',
  ].join('\n');
}

/**
 * A live-event row: every identity subscribes, events are published for a group-B device until viewer B
 * (and the admin) hear one, so every subscription is live; then one for a group-A device: only those who may
 * read group A must hear it.
 */
function liveRow(
  name: string,
  document: string,
  deviceOf: (data: GqlData) => string,
  publish: (deviceId: string) => Promise<void>,
): Row {
  return {
    name,
    expected: groupScopedRead,
    async runAll() {
      const seen = Object.fromEntries(identities.map((who) => [who, [] as string[]])) as Record<Who, string[]>;
      const errors = {} as Record<Who, Outcome | undefined>;
      const clients = identities.map((who) => server.ws(token[who]));
      identities.forEach((who, index) => {
        clients[index]!.subscribe(
          { query: document },
          {
            next: (result) => {
              if (result.errors) errors[who] = errorOutcome(result as GqlResult) ?? 'error';
              else seen[who].push(deviceOf(result.data));
            },
            error: (error) => {
              errors[who] = errorOutcome({ errors: (Array.isArray(error) ? error : [error]) as never }) ?? 'error';
            },
            complete: () => {},
          },
        );
      });
      for (const deadline = Date.now() + 2 * 60_000; Date.now() < deadline; ) {
        await publish(world.deviceB);
        await new Promise((resolve) => setTimeout(resolve, 100));
        const live = (who: Who) => errors[who] || seen[who].length > 0;
        if (live('viewerB') && live('admin') && live('anonymous')) break;
      }
      await publish(world.textDeviceA);
      const heard = (who: Who) => errors[who] || groupScopedRead[who] !== 'ok' || seen[who].includes(world.textDeviceA);
      for (const deadline = Date.now() + 2 * 60_000; !identities.every(heard) && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const client of clients) await client.dispose();
      assert.equal(seen.viewerA.includes(world.deviceB), false, `${name}: group A heard a group-B event`);
      return Object.fromEntries(
        identities.map((who) => [who, errors[who] ?? (seen[who].includes(world.textDeviceA) ? 'ok' : 'hidden')]),
      ) as Record<Who, Outcome>;
    },
  };
}
