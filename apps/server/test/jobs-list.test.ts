/** The fleet's `jobs` connection: newest first, filtered by state, code and group, paged, scoped to groups. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type JobStatus, jobs } from '@devicevault/schema/db/tables';
import { createCollectionGroup, createDeviceGroup, createUserAndSignIn, unique } from './support/api-builders.js';
import { createDeviceMutation } from './support/builders.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const jobsQuery = `query ($filter: JobFilter, $first: Int, $after: String) {
  jobs(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id status errorCode createdAt device { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface JobNode {
  id: string;
  status: string;
  errorCode: string | null;
  createdAt: string;
  device: { id: string; name: string };
}

describe('the jobs list', () => {
  let server: TestServer;
  const world = {} as {
    groupA: string;
    groupB: string;
    collectionGroup: string;
    deviceA1: { id: string; name: string };
    deviceA2: { id: string; name: string };
    deviceB: { id: string; name: string };
    /** Every seeded job id, newest first. */
    all: string[];
    byKey: Record<string, string>;
  };
  let viewerB: string;
  let viewerA: string;

  /** A disabled device (nothing schedules or runs it), so the seeded jobs are the only ones. */
  async function device(deviceGroupId: string, collectionGroupId?: string) {
    const result = await server.gql(createDeviceMutation, {
      input: {
        name: `jobs-${unique()}`,
        host: '127.0.0.1',
        pluginKey: 'binary_dummy',
        enabled: false,
        deviceGroupId,
        ...(collectionGroupId ? { collectionGroupId } : {}),
      },
    });
    assert.equal(result.data?.createDevice.__typename, 'CreateDeviceSuccess', JSON.stringify(result));
    const { id, name } = result.data.createDevice.device as { id: string; name: string };
    return { id, name };
  }

  /** A job row as the queue leaves it; queued jobs wait a day and running ones hold a long lease, so none moves. */
  async function seedJob(deviceId: string, status: JobStatus, minutesAgo: number, errorCode: string | null = null) {
    const createdAt = new Date(Date.UTC(2026, 0, 1, 12, 0) - minutesAgo * 60_000);
    const [job] = await server.app.database.db
      .insert(jobs)
      .values({
        deviceId,
        status,
        errorCode,
        createdAt,
        runAfter: new Date(Date.now() + 86_400_000),
        ...(status === 'running'
          ? { leaseOwner: 'elsewhere', leaseExpiresAt: new Date(Date.now() + 86_400_000), startedAt: createdAt }
          : {}),
        ...(status === 'failed' || status === 'succeeded' ? { finishedAt: createdAt } : {}),
      })
      .returning({ id: jobs.id });
    return job!.id;
  }

  async function list(filter: Record<string, unknown> = {}, token?: string, first = 100, after?: string) {
    const result = await server.gql(jobsQuery, { filter, first, after }, token);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data.jobs as {
      edges: { cursor: string; node: JobNode }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  }

  const ids = (connection: { edges: { node: JobNode }[] }) => connection.edges.map((edge) => edge.node.id);

  before(async () => {
    server = await startTestServer();
    world.groupA = (await createDeviceGroup(server)).id;
    world.groupB = (await createDeviceGroup(server)).id;
    world.collectionGroup = (await createCollectionGroup(server)).id;
    world.deviceA1 = await device(world.groupA, world.collectionGroup);
    world.deviceA2 = await device(world.groupA);
    world.deviceB = await device(world.groupB);
    const seeds: [string, string, JobStatus, number, string | null][] = [
      ['a1-queued', world.deviceA1.id, 'queued', 1, null],
      ['b-running', world.deviceB.id, 'running', 2, null],
      ['a2-failed-auth', world.deviceA2.id, 'failed', 3, 'auth_failed'],
      ['a1-succeeded', world.deviceA1.id, 'succeeded', 4, null],
      ['b-failed-timeout', world.deviceB.id, 'failed', 5, 'timeout'],
      ['a1-failed-timeout', world.deviceA1.id, 'failed', 6, 'timeout'],
      ['a2-running', world.deviceA2.id, 'running', 7, null],
    ];
    world.byKey = {};
    world.all = [];
    for (const [key, deviceId, status, minutesAgo, code] of seeds) {
      world.byKey[key] = await seedJob(deviceId, status, minutesAgo, code);
      world.all.push(world.byKey[key]);
    }
    viewerA = (await createUserAndSignIn(server, 'viewer', [world.groupA])).token;
    viewerB = (await createUserAndSignIn(server, 'viewer', [world.groupB])).token;
  });
  after(() => server.stop());

  it('lists every job of the fleet for an admin, newest first, each with its device', async () => {
    const connection = await list();

    assert.deepEqual(ids(connection), world.all);
    assert.deepEqual(connection.edges[0]!.node.device, world.deviceA1);
    assert.equal(connection.pageInfo.hasNextPage, false);
  });

  it('filters by state, error code, device group, collection group and device', async () => {
    const { byKey } = world;

    const failed = await list({ states: ['FAILED'] });
    const active = await list({ states: ['QUEUED', 'RUNNING'] });
    const timeouts = await list({ errorCodes: ['timeout'] });
    const groupA = await list({ deviceGroupIds: [world.groupA] });
    const collected = await list({ collectionGroupIds: [world.collectionGroup] });
    const oneDevice = await list({ deviceId: world.deviceA2.id });
    const failedInA = await list({ states: ['FAILED'], deviceGroupIds: [world.groupA], errorCodes: ['timeout'] });

    assert.deepEqual(ids(failed), [byKey['a2-failed-auth'], byKey['b-failed-timeout'], byKey['a1-failed-timeout']]);
    assert.deepEqual(ids(active), [byKey['a1-queued'], byKey['b-running'], byKey['a2-running']]);
    assert.deepEqual(ids(timeouts), [byKey['b-failed-timeout'], byKey['a1-failed-timeout']]);
    assert.deepEqual(ids(groupA), [
      byKey['a1-queued'],
      byKey['a2-failed-auth'],
      byKey['a1-succeeded'],
      byKey['a1-failed-timeout'],
      byKey['a2-running'],
    ]);
    assert.deepEqual(ids(collected), [byKey['a1-queued'], byKey['a1-succeeded'], byKey['a1-failed-timeout']]);
    assert.deepEqual(ids(oneDevice), [byKey['a2-failed-auth'], byKey['a2-running']]);
    assert.deepEqual(ids(failedInA), [byKey['a1-failed-timeout']]);
  });

  it('pages through the list with first/after, each job exactly once, in order', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;

    for (;;) {
      const page = await list({}, undefined, 3, cursor);
      seen.push(...ids(page));
      pages += 1;
      if (!page.pageInfo.hasNextPage) break;
      cursor = page.pageInfo.endCursor!;
    }

    assert.deepEqual(seen, world.all);
    assert.equal(pages, 3);
  });

  it('shows a viewer only the jobs of devices in their groups: group B sees no group-A job', async () => {
    const { byKey } = world;

    const seenByB = await list({}, viewerB);
    const askedForA = await list({ deviceGroupIds: [world.groupA] }, viewerB);
    const deviceOfA = await list({ deviceId: world.deviceA1.id }, viewerB);
    const seenByA = await list({ states: ['FAILED'] }, viewerA);

    assert.deepEqual(ids(seenByB), [byKey['b-running'], byKey['b-failed-timeout']]);
    assert.deepEqual(ids(askedForA), []);
    assert.deepEqual(ids(deviceOfA), []);
    assert.deepEqual(ids(seenByA), [byKey['a2-failed-auth'], byKey['a1-failed-timeout']]);
  });

  it('rejects an id that is not an id with a BAD_USER_INPUT error naming the filter field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ deviceGroupIds: [world.groupA, 'not-an-id'] }, 'filter.deviceGroupIds[1]'],
      [{ collectionGroupIds: ['42'] }, 'filter.collectionGroupIds[0]'],
      [{ deviceId: 'nope' }, 'filter.deviceId'],
    ];

    for (const [filter, field] of cases) {
      const result = await server.gql(jobsQuery, { filter });

      assert.equal(result.data, null);
      assert.deepEqual(
        result.errors?.map((error) => [error.extensions?.code, (error.extensions as { field?: string }).field]),
        [['BAD_USER_INPUT', field]],
      );
    }
  });

  it('rejects an unknown state and a malformed cursor', async () => {
    const badState = await server.gql(jobsQuery, { filter: { states: ['CANCELLED'] } });
    const badCursor = await server.gql(jobsQuery, { after: 'garbage' });

    assert.ok(badState.errors?.length);
    assert.equal(badCursor.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });
});
