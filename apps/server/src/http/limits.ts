/**
 * Query limits, enforced as an envelop plugin right after parsing and before validation, so a hostile
 * document never reaches graphql-js's validation rules (some of which are quadratic in the field count).
 * The same yoga instance serves HTTP and graphql-ws, so both paths get these checks. Every check depends
 * on the document alone (never on variables), so yoga's parse cache can cache the verdict.
 */
import { defaultPageSize } from '@devicevault/schema/pagination';
import { type DocumentNode, type FieldNode, GraphQLError, Kind, parse, type SelectionSetNode, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export const queryLimits = {
  /** Tokens in one document; graphql-js stops parsing past it. */
  maxTokens: 50_000,
  /** Nested fields in one operation, fragments expanded (the introspection query needs 13). */
  maxDepth: 15,
  /** Aliases in the whole document. */
  maxAliases: 100,
  /** Fields in one operation, each multiplied by the page sizes (`first`/`last`) of the lists around it. */
  maxCost: 10_000,
  /** The page size assumed when `first`/`last` come from a variable or are absent on a paged field. */
  assumedPageSize: 100,
} as const;

type Limits = typeof queryLimits;

function limitError(code: string, message: string) {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

export function useQueryLimits(limits: Limits = queryLimits): Plugin {
  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        let document: DocumentNode;
        try {
          document = parse(source, { ...options, maxTokens: limits.maxTokens });
        } catch (error) {
          // graphql 16 says "more that N tokens".
          if (error instanceof GraphQLError && /more th(?:an|at) \d+ tokens/.test(error.message)) {
            throw limitError(
              'MAX_TOKENS_EXCEEDED',
              `The query is too large: more than ${limits.maxTokens} tokens (the limit is ${limits.maxTokens}).`,
            );
          }
          throw error;
        }
        checkQueryLimits(document, limits);
        return document;
      });
    },
  };
}

/** Throws a 400 GraphQLError naming the first limit the document exceeds. */
export function checkQueryLimits(document: DocumentNode, limits: Limits = queryLimits): void {
  let aliases = 0;
  visit(document, {
    Field(node) {
      if (node.alias) aliases++;
    },
  });
  if (aliases > limits.maxAliases) {
    throw limitError(
      'MAX_ALIASES_EXCEEDED',
      `The query uses ${aliases} aliases; at most ${limits.maxAliases} are allowed.`,
    );
  }

  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const name = definition.name ? ` "${definition.name.value}"` : '';
    let cost = 0;
    // Walks the operation with fragments expanded; stops as soon as a limit is crossed, so a fragment
    // that spreads another one twice, many times over, costs at most maxCost steps.
    const walk = (selectionSet: SelectionSetNode, depth: number, multiplier: number, inFragments: Set<string>) => {
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          if (depth + 1 > limits.maxDepth) {
            throw limitError(
              'MAX_DEPTH_EXCEEDED',
              `The operation${name} is nested more than ${limits.maxDepth} levels deep; at most ${limits.maxDepth} are allowed.`,
            );
          }
          cost += multiplier;
          if (cost > limits.maxCost) {
            throw limitError(
              'MAX_COST_EXCEEDED',
              `The operation${name} is too expensive: its cost exceeds ${limits.maxCost} (each field counts once per item of the lists around it; ask for smaller pages).`,
            );
          }
          if (selection.selectionSet) {
            walk(selection.selectionSet, depth + 1, multiplier * pageSize(selection, limits), inFragments);
          }
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          walk(selection.selectionSet, depth, multiplier, inFragments);
        } else {
          const fragment = fragments.get(selection.name.value);
          // Unknown or cyclic spreads are left to validation, which rejects them.
          if (!fragment || inFragments.has(fragment.name.value)) continue;
          walk(fragment.selectionSet, depth, multiplier, new Set([...inFragments, fragment.name.value]));
        }
      }
    };
    walk(definition.selectionSet, 0, 1, new Set());
  }
}

/**
 * How many items a field's children are repeated for: `first`/`last` literals as given, from a variable the
 * largest page a connection serves, and a connection (it selects `edges` or `nodes`) without either its
 * default page. Other fields count once: the schema's plain lists are short.
 */
function pageSize(field: FieldNode, limits: Limits) {
  const sizes = (field.arguments ?? [])
    .filter((argument) => argument.name.value === 'first' || argument.name.value === 'last')
    .map((argument) => (argument.value.kind === Kind.INT ? Number(argument.value.value) : limits.assumedPageSize));
  if (sizes.length === 0) {
    const paged = field.selectionSet?.selections.some(
      (selection) => selection.kind === Kind.FIELD && ['edges', 'nodes'].includes(selection.name.value),
    );
    return paged ? defaultPageSize : 1;
  }
  return Math.min(Math.max(...sizes, 1), limits.assumedPageSize);
}
