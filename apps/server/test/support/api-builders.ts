/** Builders for the management API (groups, users, tokens) used by the API-surface, audit and import tests. */
import { type GqlData, signIn, type TestServer } from './test-server.js';

/**
 * Calls `name(input: $input)` selecting `__typename`, every error's message/field, `success` on the
 * success type and `extraSelection` (e.g. `... on InUseError { usedByCount }`); returns the payload.
 */
export async function mutate<T = GqlData>(
  server: TestServer,
  name: string,
  input: Record<string, unknown>,
  success: string,
  token?: string | null,
  extraSelection = '',
): Promise<T & { __typename: string; message?: string; field?: string }> {
  const inputType = `${name[0]!.toUpperCase()}${name.slice(1)}Input`;
  const result = await server.gql(
    `mutation ($input: ${inputType}!) {
      ${name}(input: $input) {
        __typename
        ... on ${name[0]!.toUpperCase()}${name.slice(1)}Success { ${success} }
        ... on ValidationError { field }
        ${extraSelection}
        ... on Error { message }
      }
    }`,
    { input },
    token,
  );
  if (result.errors) {
    const error = new Error(`${name}: ${JSON.stringify(result.errors)}`) as Error & { code?: string };
    error.code = result.errors[0]?.extensions?.code;
    throw error;
  }
  return result.data[name];
}

export async function createDeviceGroup(server: TestServer, name = `group-${unique()}`) {
  const payload = await mutate(server, 'createDeviceGroup', { name }, 'deviceGroup { id name }');
  if (payload.__typename !== 'CreateDeviceGroupSuccess') throw new Error(JSON.stringify(payload));
  return payload.deviceGroup as { id: string; name: string };
}

export async function createCollectionGroup(server: TestServer, name = `collect-${unique()}`, schedule?: string) {
  const payload = await mutate(server, 'createCollectionGroup', { name, schedule }, 'collectionGroup { id name }');
  if (payload.__typename !== 'CreateCollectionGroupSuccess') throw new Error(JSON.stringify(payload));
  return payload.collectionGroup as { id: string; name: string };
}

/** Creates a user with a known password and grants, signs them in, and returns their session token. */
export async function createUserAndSignIn(
  server: TestServer,
  role: 'admin' | 'operator' | 'viewer',
  deviceGroupIds: string[] = [],
) {
  const username = `${role}-${unique()}`;
  const password = `password-${unique()}`;
  const payload = await mutate(server, 'createUser', { username, role, password, deviceGroupIds }, 'user { id }');
  if (payload.__typename !== 'CreateUserSuccess') throw new Error(JSON.stringify(payload));
  return { id: payload.user.id as string, username, password, token: await signIn(server.url, username, password) };
}

export function unique(): string {
  return Math.random().toString(36).slice(2, 10);
}
