/**
 * updateRetentionPolicy: fields left out stay, a limit set to null becomes unlimited, the same typed
 * ValidationErrors as createRetentionPolicy, the default moving to the edited policy, and an audit row.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mutate, unique } from './support/api-builders.js';
import { startTestServer, type TestServer } from './support/test-server.js';

type Policy = { id: string; name: string; keepLast: number | null; keepDays: number | null; isDefault: boolean };
const fields = 'retentionPolicy { id name keepLast keepDays maxBytes isDefault }';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});

after(async () => {
  await server.stop();
});

async function createPolicy(input: Record<string, unknown>): Promise<Policy> {
  const payload = await mutate<{ retentionPolicy: Policy }>(
    server,
    'createRetentionPolicy',
    { name: `policy-${unique()}`, ...input },
    fields,
  );
  assert.equal(payload.__typename, 'CreateRetentionPolicySuccess', JSON.stringify(payload));
  return payload.retentionPolicy;
}

function update(input: Record<string, unknown>) {
  return mutate<{ retentionPolicy: Policy }>(server, 'updateRetentionPolicy', input, fields);
}

async function policies(): Promise<Policy[]> {
  const result = await server.gql('{ retentionPolicies { id name keepLast keepDays maxBytes isDefault } }');
  return result.data.retentionPolicies;
}

describe('updateRetentionPolicy', () => {
  it('changes the given fields, keeps the others and clears a limit set to null', async () => {
    const policy = await createPolicy({ keepLast: 10, keepDays: 30 });
    const name = `renamed-${unique()}`;

    const payload = await update({ id: policy.id, name, keepDays: null, maxBytes: 1_000_000 });

    assert.equal(payload.__typename, 'UpdateRetentionPolicySuccess', JSON.stringify(payload));
    const stored = (await policies()).find((row) => row.id === policy.id);
    assert.deepEqual(stored, {
      id: policy.id,
      name,
      keepLast: 10,
      keepDays: null,
      maxBytes: 1_000_000,
      isDefault: false,
    });
  });

  it('refuses the values create refuses, on their fields', async () => {
    const policy = await createPolicy({ keepLast: 5 });
    const other = await createPolicy({ keepLast: 5 });

    const zero = await update({ id: policy.id, keepLast: 0 });
    const fraction = await update({ id: policy.id, maxBytes: 1.5 });
    const taken = await update({ id: policy.id, name: other.name });
    const blank = await update({ id: policy.id, name: '  ' });
    const createZero = await mutate(
      server,
      'createRetentionPolicy',
      { name: `p-${unique()}`, keepLast: 0 },
      'retentionPolicy { id }',
    );

    assert.deepEqual(
      [zero, fraction, taken, blank].map((payload) => [payload.__typename, payload.field]),
      [
        ['ValidationError', 'keepLast'],
        ['ValidationError', 'maxBytes'],
        ['ValidationError', 'name'],
        ['ValidationError', 'name'],
      ],
    );
    assert.equal(zero.message, createZero.message);
    assert.equal((await policies()).find((row) => row.id === policy.id)?.keepLast, 5);
  });

  it('makes the edited policy the only default', async () => {
    const first = await createPolicy({ keepLast: 3, isDefault: true });
    const second = await createPolicy({ keepLast: 4 });

    await update({ id: second.id, isDefault: true });

    const rows = await policies();
    assert.deepEqual(
      rows.filter((row) => row.isDefault).map((row) => row.id),
      [second.id],
    );
    assert.equal(rows.find((row) => row.id === first.id)?.isDefault, false);
  });

  it('answers NotFoundError for an unknown id and records the edit in the audit log', async () => {
    const policy = await createPolicy({ keepLast: 7 });

    const missing = await update({ id: '00000000-0000-4000-8000-000000000000', keepLast: 1 });
    await update({ id: policy.id, keepLast: 8 });

    assert.equal(missing.__typename, 'NotFoundError');
    const audit = await server.gql(
      `query ($filter: AuditLogFilter) { auditLog(first: 10, filter: $filter) { edges { node { action outcome targetId } } } }`,
      { filter: { action: 'updateRetentionPolicy', targetId: policy.id } },
    );
    assert.deepEqual(
      audit.data?.auditLog.edges.map((edge: { node: unknown }) => edge.node),
      [{ action: 'updateRetentionPolicy', outcome: 'success', targetId: policy.id }],
      JSON.stringify(audit),
    );
  });
});
