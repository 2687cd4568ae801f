// The typed `graphql()` tag: every document's result and variable types come from src/graphql-env.d.ts,
// which scripts/generate-graphql-env.mjs writes from packages/schema/schema.graphql.
import { initGraphQLTada } from 'gql.tada';
import type { introspection } from '../graphql-env';

export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTime: string; JSONObject: Record<string, unknown> };
  // Fragments stay colocated with the component that renders them; their fields are read directly.
  disableMasking: true;
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
