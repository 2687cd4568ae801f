/**
 * Every mutation writes one audit row, in one place: each Mutation field's resolver is wrapped after the
 * schema is built, so a new mutation is audited without remembering to. Outcome: `success`, `failure`
 * (a typed error result or an unexpected error) or `denied` (authentication/authorization refused).
 * Input values are never copied into the row: they can hold secrets.
 */
import { GraphQLError, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { Context } from './context.js';
import { NotFound, ValidationFailure } from './errors.js';

const deniedCodes = new Set(['FORBIDDEN', 'UNAUTHENTICATED']);
const targetKeys = [
  'id',
  'deviceId',
  'credentialId',
  'userId',
  'deviceGroupId',
  'collectionGroupId',
  'tokenId',
  'backupId',
];

export function auditMutations(schema: GraphQLSchema): GraphQLSchema {
  const mutation = schema.getMutationType();
  for (const field of Object.values(mutation?.getFields() ?? {})) {
    const resolve = field.resolve as GraphQLFieldResolver<unknown, Context> | undefined;
    if (!resolve) continue;
    field.resolve = async (root, args, ctx: Context, info) => {
      const input = (args as { input?: Record<string, unknown> }).input ?? (args as Record<string, unknown>);
      try {
        const result = await resolve(root, args, ctx, info);
        const failed = isFailure(result);
        await ctx.audit.record({
          action: field.name,
          outcome: failed ? 'failure' : 'success',
          ...target(field.name, input, result),
          ...loginActor(field.name, input, result),
          details: failed ? { error: (result as { message: string }).message } : {},
        });
        return result;
      } catch (error) {
        const code = error instanceof GraphQLError ? error.extensions.code : undefined;
        await ctx.audit.record({
          action: field.name,
          outcome: typeof code === 'string' && deniedCodes.has(code) ? 'denied' : 'failure',
          ...target(field.name, input, null),
          ...loginActor(field.name, input, null),
          details: { error: error instanceof GraphQLError ? error.message : 'unexpected error' },
        });
        throw error;
      }
    };
  }
  return schema;
}

function isFailure(result: unknown): boolean {
  if (result instanceof ValidationFailure || result instanceof NotFound) return true;
  // Other typed errors (InvalidCredentialsError, RateLimitedError, …) are plain classes with a message and no object.
  return result !== null && typeof result === 'object' && 'message' in result && !('ok' in result);
}

function target(
  fieldName: string,
  input: Record<string, unknown>,
  result: unknown,
): { targetType?: string; targetId?: string } {
  for (const key of targetKeys) {
    const value = input[key];
    if (typeof value === 'string') {
      return { targetType: key === 'id' ? typeOfField(fieldName) : key.replace(/Id$/, ''), targetId: value };
    }
  }
  if (result && typeof result === 'object') {
    for (const [name, value] of Object.entries(result)) {
      if (value && typeof value === 'object' && 'id' in value && typeof value.id === 'string') {
        return { targetType: name, targetId: value.id };
      }
    }
  }
  return {};
}

/** `updateDevice` → `device`, `revokeApiToken` → `apiToken`: the object a plain `id` input refers to. */
function typeOfField(fieldName: string): string | undefined {
  const noun = fieldName.replace(/^(create|update|delete|set|reset|revoke|rotate|import)/, '');
  return noun ? noun.charAt(0).toLowerCase() + noun.slice(1).replace(/(Enabled|Password)$/, '') : undefined;
}

/** Sign-in attempts are audited under the name tried, since nobody is signed in yet. */
function loginActor(field: string, input: Record<string, unknown>, result: unknown) {
  if (field !== 'login') return {};
  const user = (result as { user?: { id: string; username: string } } | null)?.user;
  return { actorLabel: user?.username ?? String(input.username ?? ''), actorUserId: user?.id ?? null };
}
