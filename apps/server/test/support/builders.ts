/** Small builders so each test seeds its own world through the public API. */
import type { TestServer } from './test-server.js';

export async function createCredential(server: TestServer, input: { name?: string; username: string; secret: string }) {
  const result = await server.gql(
    `mutation ($input: CreateCredentialInput!) {
      createCredential(input: $input) {
        __typename
        ... on CreateCredentialSuccess { credential { id name username } }
        ... on Error { message }
      }
    }`,
    { input: { name: input.name ?? `cred-${Math.random().toString(36).slice(2)}`, ...input } },
  );
  const payload = result.data?.createCredential;
  if (payload?.__typename !== 'CreateCredentialSuccess') throw new Error(`createCredential: ${JSON.stringify(result)}`);
  return payload.credential as { id: string; name: string; username: string };
}

export const createDeviceMutation = `mutation ($input: CreateDeviceInput!) {
  createDevice(input: $input) {
    __typename
    ... on CreateDeviceSuccess { device { id name host port pluginKey } }
    ... on ValidationError { field message }
    ... on Error { message }
  }
}`;

export async function createDevice(
  server: TestServer,
  input: {
    name?: string;
    host?: string;
    port?: number;
    pluginKey: string;
    credentialId?: string;
    deviceGroupId?: string;
    options?: Record<string, string>;
  },
) {
  const result = await server.gql(createDeviceMutation, {
    input: { name: input.name ?? `dev-${Math.random().toString(36).slice(2)}`, host: '127.0.0.1', ...input },
  });
  const payload = result.data?.createDevice;
  if (payload?.__typename !== 'CreateDeviceSuccess') throw new Error(`createDevice: ${JSON.stringify(result)}`);
  return payload.device as { id: string; name: string; port: number };
}

export async function triggerBackup(server: TestServer, deviceId: string) {
  const result = await server.gql(
    `mutation ($input: TriggerBackupInput!) {
      triggerBackup(input: $input) {
        __typename
        ... on TriggerBackupSuccess { job { id status } }
        ... on Error { message }
      }
    }`,
    { input: { deviceId } },
  );
  return result.data?.triggerBackup as { __typename: string; job?: { id: string; status: string }; message?: string };
}

export const jobProgressSubscription = `subscription ($jobId: ID!) {
  jobProgress(jobId: $jobId) { seq status message errorCode backupId }
}`;

export interface ProgressEvent {
  jobProgress: { seq: number; status: string; message: string; errorCode: string | null; backupId: string | null };
}
