// Hand-written: graphql-armor's depth/cost rules (2.4) run inside validation, recurse (a 2,000-fragment chain overflows the stack), count each spread as a level and know nothing of page sizes.
/**
 * Query limits, enforced as an envelop plugin around parsing, before validation, so a hostile document
 * never reaches graphql-js's parser recursion or its validation rules (some of which are quadratic in the
 * field count). Every check is linear in the document's size and the size is capped (tokens), so the total
 * work before validation is bounded: a lexer pass counts tokens and bracket nesting before the recursive
 * parser runs, then one pass per definition summarises its own fields and spreads, and fragments are
 * combined once each in dependency order (unknown and cyclic spreads are refused on the spot).
 * The same yoga instance serves HTTP and graphql-ws, so both paths get these checks. Every check depends
 * on the document alone (never on variables), so yoga's parse cache can cache the verdict.
 */
import { defaultPageSize } from '@devicevault/schema/pagination';
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  Lexer,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  Source,
  TokenKind,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

export const queryLimits = {
  /** Tokens in one document; checked before parsing (graphql-js's parser stops past it too). */
  maxTokens: 50_000,
  /** Brackets (`{`, `[`, `(`) open at once; bounds the recursion of the parser and of every later pass. */
  maxNesting: 64,
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

/** The errors validation would give later, given now (with the same wording) because the limits need them. */
function fragmentError(message: string) {
  return limitError('GRAPHQL_VALIDATION_FAILED', message);
}

export function useQueryLimits(limits: Limits = queryLimits): Plugin {
  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        scanTokens(source, limits);
        const document = parse(source, { ...options, maxTokens: limits.maxTokens });
        checkQueryLimits(document, limits);
        return document;
      });
    },
  };
}

/**
 * One lexer pass before the (recursive) parser: refuses more than `maxTokens` tokens or brackets nested
 * deeper than `maxNesting`. A lexical error stops the pass; the parser then reports it with its own message.
 */
export function scanTokens(source: string | Source, limits: Limits = queryLimits): void {
  const lexer = new Lexer(typeof source === 'string' ? new Source(source) : source);
  let tokens = 0;
  let nesting = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++tokens > limits.maxTokens) {
        throw limitError(
          'MAX_TOKENS_EXCEEDED',
          `The query is too large: more than ${limits.maxTokens} tokens (the limit is ${limits.maxTokens}).`,
        );
      }
      if (token.kind === TokenKind.BRACE_L || token.kind === TokenKind.BRACKET_L || token.kind === TokenKind.PAREN_L) {
        if (++nesting > limits.maxNesting) {
          throw limitError(
            'MAX_NESTING_EXCEEDED',
            `The query nests brackets more than ${limits.maxNesting} levels deep; at most ${limits.maxNesting} are allowed.`,
          );
        }
      } else if (
        token.kind === TokenKind.BRACE_R ||
        token.kind === TokenKind.BRACKET_R ||
        token.kind === TokenKind.PAREN_R
      ) {
        nesting = Math.max(nesting - 1, 0);
      }
    }
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code) throw error;
    // A syntax error: parse() meets it too and reports it where it is.
  }
}

/** What one definition costs by itself, and the fragments it spreads (each with where it spreads them). */
interface Summary {
  aliases: number;
  cost: number;
  depth: number;
  spreads: { name: string; multiplier: number; depth: number }[];
}

/**
 * Throws a 400 GraphQLError naming the first limit the document exceeds, or naming an unknown, duplicate
 * or cyclic fragment. Linear in the document: each definition is walked once and each fragment's total
 * is computed once, whatever the number of spreads of it.
 */
export function checkQueryLimits(document: DocumentNode, limits: Limits = queryLimits): void {
  const fragments = new Map<string, Summary>();
  const operations: { name: string; summary: Summary }[] = [];
  let aliases = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      const name = definition.name.value;
      if (fragments.has(name)) throw fragmentError(`There can be only one fragment named "${name}".`);
      const summary = summarize(definition, limits);
      fragments.set(name, summary);
      aliases += summary.aliases;
    } else if (definition.kind === Kind.OPERATION_DEFINITION) {
      const summary = summarize(definition, limits);
      operations.push({ name: definition.name?.value ?? '', summary });
      aliases += summary.aliases;
    }
  }
  if (aliases > limits.maxAliases) {
    throw limitError(
      'MAX_ALIASES_EXCEEDED',
      `The query uses ${aliases} aliases; at most ${limits.maxAliases} are allowed.`,
    );
  }
  const totals = fragmentTotals(fragments, limits);
  for (const { name, summary } of operations) {
    checkTotal(combine(summary, totals, limits), name ? `The operation "${name}"` : 'The operation', limits);
  }
}

/** Saturating arithmetic: totals stop growing just past the cost limit, so numbers stay small and exact. */
function capped(value: number, limits: Limits) {
  return Math.min(value, limits.maxCost + 1);
}

function checkTotal(total: { cost: number; depth: number }, subject: string, limits: Limits) {
  if (total.depth > limits.maxDepth) {
    throw limitError(
      'MAX_DEPTH_EXCEEDED',
      `${subject} is nested more than ${limits.maxDepth} levels deep; at most ${limits.maxDepth} are allowed.`,
    );
  }
  if (total.cost > limits.maxCost) {
    throw limitError(
      'MAX_COST_EXCEEDED',
      `${subject} is too expensive: its cost exceeds ${limits.maxCost} (each field counts once per item of the lists around it; ask for smaller pages).`,
    );
  }
}

/**
 * Walks one definition's own selections (spreads are recorded, not followed). Recursion is bounded by the
 * selection nesting, which is checked here as well for documents that did not come through `scanTokens`.
 */
function summarize(definition: OperationDefinitionNode | FragmentDefinitionNode, limits: Limits): Summary {
  const summary: Summary = { aliases: 0, cost: 0, depth: 0, spreads: [] };
  const subject =
    definition.kind === Kind.FRAGMENT_DEFINITION
      ? `The fragment "${definition.name.value}"`
      : `The operation${definition.name ? ` "${definition.name.value}"` : ''}`;
  const walk = (selectionSet: SelectionSetNode, depth: number, multiplier: number, nesting: number) => {
    if (nesting > limits.maxNesting) {
      throw limitError(
        'MAX_NESTING_EXCEEDED',
        `${subject} nests selections more than ${limits.maxNesting} levels deep; at most ${limits.maxNesting} are allowed.`,
      );
    }
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) summary.aliases++;
        summary.depth = Math.max(summary.depth, depth + 1);
        summary.cost = capped(summary.cost + multiplier, limits);
        if (selection.selectionSet) {
          walk(
            selection.selectionSet,
            depth + 1,
            capped(multiplier * pageSize(selection, limits), limits),
            nesting + 1,
          );
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, depth, multiplier, nesting + 1);
      } else {
        summary.spreads.push({ name: selection.name.value, multiplier, depth });
      }
    }
  };
  walk(definition.selectionSet, 0, 1, 1);
  return summary;
}

/** A summary with its spreads replaced by the (already computed) totals of the fragments they name. */
function combine(summary: Summary, totals: Map<string, { cost: number; depth: number }>, limits: Limits) {
  let { cost, depth } = summary;
  for (const spread of summary.spreads) {
    const total = totals.get(spread.name)!;
    cost = capped(cost + capped(spread.multiplier * total.cost, limits), limits);
    depth = Math.min(Math.max(depth, spread.depth + total.depth), limits.maxDepth + 1);
  }
  return { cost, depth };
}

/**
 * Each fragment's cost and depth with its spreads expanded, computed once per fragment in dependency order
 * (Kahn's algorithm, no recursion). Refuses a spread of an unknown fragment and a cycle of spreads.
 */
function fragmentTotals(fragments: Map<string, Summary>, limits: Limits) {
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  const ready: string[] = [];
  for (const [name, summary] of fragments) {
    const needs = new Set<string>();
    for (const spread of summary.spreads) {
      if (!fragments.has(spread.name)) throw fragmentError(`Unknown fragment "${spread.name}".`);
      needs.add(spread.name);
    }
    waitingOn.set(name, needs.size);
    for (const need of needs) {
      const list = dependents.get(need);
      if (list) list.push(name);
      else dependents.set(need, [name]);
    }
    if (needs.size === 0) ready.push(name);
  }
  const totals = new Map<string, { cost: number; depth: number }>();
  while (ready.length > 0) {
    const name = ready.pop()!;
    totals.set(name, combine(fragments.get(name)!, totals, limits));
    for (const dependent of dependents.get(name) ?? []) {
      const left = waitingOn.get(dependent)! - 1;
      waitingOn.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  if (totals.size < fragments.size) throw cycleError(fragments, totals);
  return totals;
}

/** Follows unresolved spreads from an unresolved fragment until one repeats: that one is on a cycle. */
function cycleError(fragments: Map<string, Summary>, resolved: Map<string, unknown>) {
  let name = [...fragments.keys()].find((candidate) => !resolved.has(candidate))!;
  const seen = new Map<string, number>();
  const path: string[] = [];
  while (!seen.has(name)) {
    seen.set(name, path.length);
    path.push(name);
    name = fragments.get(name)!.spreads.find((spread) => !resolved.has(spread.name))!.name;
  }
  const cycle = path.slice(seen.get(name)!);
  const via = cycle.slice(1).map((step) => `"${step}"`);
  return fragmentError(
    `Cannot spread fragment "${name}" within itself${via.length > 0 ? ` via ${via.slice(0, 5).join(', ')}${via.length > 5 ? ', …' : ''}` : ''}.`,
  );
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
