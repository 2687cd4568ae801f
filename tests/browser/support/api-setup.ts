// Small builders the behaviour tests use to set up their world through the GraphQL API (as the admin) before
// they exercise one action in the browser: typed mutations, backups run to their end, users signed in.

import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import {
  type DashboardStack,
  type GraphqlResponse,
  signInThroughUi,
  uiPatienceMs,
  waitFor,
} from './dashboard-stack.js';

export type Payload = { __typename: string; message?: string } & Record<string, unknown>;

/** Runs `name(input: …)` and insists on its Success type; `selection` is read from the Success type. */
export async function mutate(
  stack: DashboardStack,
  name: string,
  input: Record<string, unknown>,
  selection: string,
): Promise<Payload> {
  const type = `${name[0]!.toUpperCase()}${name.slice(1)}`;
  const { data, errors } = await stack.graphql(
    `mutation ($input: ${type}Input!) { ${name}(input: $input) { __typename ... on ${type}Success { ${selection} } ... on Error { message } } }`,
    { input },
  );
  const payload = data?.[name] as Payload | undefined;
  assert.equal(payload?.__typename, `${type}Success`, JSON.stringify(errors ?? payload));
  return payload!;
}

export type Job = { id: string; status: string; errorCode: string | null; backupId: string | null };

export async function readJob(stack: DashboardStack, id: string): Promise<Job | null> {
  const { data, errors } = await stack.graphql(
    'query ($id: ID!) { job(id: $id) { id status errorCode backup { id } } }',
    { id },
  );
  assert.equal(errors, undefined, JSON.stringify(errors));
  const job = data?.job as (Omit<Job, 'backupId'> & { backup: { id: string } | null }) | null | undefined;
  return job ? { id: job.id, status: job.status, errorCode: job.errorCode, backupId: job.backup?.id ?? null } : null;
}

/** Queues a backup of one device and returns its job's id. */
export async function queueBackup(stack: DashboardStack, deviceId: string): Promise<string> {
  const payload = await mutate(stack, 'triggerBackup', { deviceId }, 'job { id }');
  return (payload.job as { id: string }).id;
}

/** Waits until the job has ended (succeeded or failed) and returns it. */
export async function jobEnded(stack: DashboardStack, jobId: string): Promise<Job> {
  let job: Job | null = null;
  await waitFor(
    `job ${jobId} to end`,
    undefined,
    async () => {
      job = await readJob(stack, jobId);
      return job?.status === 'succeeded' || job?.status === 'failed';
    },
    uiPatienceMs,
  );
  return job!;
}

/** Backs the device up and insists the backup succeeded; returns the job. */
export async function backUpNow(stack: DashboardStack, deviceId: string): Promise<Job> {
  const job = await jobEnded(stack, await queueBackup(stack, deviceId));
  assert.equal(job.status, 'succeeded', `backup of ${deviceId} failed: ${job.errorCode}`);
  return job;
}

/** A session token for `username` (for the HTTP hooks, which take a Bearer token). */
export async function sessionToken(stack: DashboardStack, username: string, password: string): Promise<string> {
  const response = await fetch(stack.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query:
        'mutation ($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { __typename ... on LoginSuccess { token } } }',
      variables: { u: username, p: password },
    }),
  });
  const body = (await response.json()) as { data?: { login?: { token?: string } } };
  const token = body.data?.login?.token;
  assert.ok(token, `signing in as ${username} failed: ${JSON.stringify(body)}`);
  return token;
}

/** A second browser session (its own cookies) signed in as another user. */
export async function signedInPage(
  stack: DashboardStack,
  username: string,
  password: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(uiPatienceMs);
  page.on('pageerror', (error) => console.error(`[browser ${username}] ${error.message}`));
  await signInThroughUi(page, stack.webUrl, password, username);
  return { context, page };
}

/** The demo fleet's SSH replay server and credential for a plugin, to point a test's own device at. */
export async function demoTarget(
  stack: DashboardStack,
  pluginKey: string,
): Promise<{ port: number; credentialId: string }> {
  const demo = await stack.pickDevice(`the ${pluginKey} demo device`, (device) => device.pluginKey === pluginKey);
  const { data } = await stack.graphql('query ($id: ID!) { device(id: $id) { port credential { id } } }', {
    id: demo.id,
  });
  const device = data?.device as { port: number; credential: { id: string } | null } | undefined;
  assert.ok(device?.port && device.credential, `the ${pluginKey} demo device has a port and a credential`);
  return { port: device.port, credentialId: device.credential.id };
}

/** Calls the API with another user's token (e.g. to record what the server refuses them). */
export async function graphqlAs(
  stack: DashboardStack,
  token: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphqlResponse> {
  const response = await fetch(stack.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphqlResponse;
}
