/**
 * `searchConfigs`: PostgreSQL regular expressions (newline-sensitive, so `^`/`$` are line anchors) over the
 * stored text versions in `text_contents`, either the latest version of each readable device (DISTINCT ON)
 * or every stored text version. Returns the device, the version and the matching lines with context.
 * The same SQL runs on PGlite and PostgreSQL; invalid patterns come back as a ValidationError.
 */
import { type SQL, sql } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import type { Database } from '../db/database.js';
import { rowsOf } from '../db/database.js';
import { type BackupRow, backups, type DeviceRow, devices } from '../db/tables.js';
import { ValidationErrorType, ValidationFailure } from '../errors.js';
import { readableDevicesCondition } from '../policy.js';
import { BackupType } from './backups.js';
import { DeviceType } from './devices.js';

const maxPageSize = 100;
const maxLinesPerVersion = 200;
const maxContextLines = 20;

interface MatchedLine {
  number: number;
  text: string;
  isMatch: boolean;
}

interface ConfigMatch {
  device: DeviceRow;
  backup: BackupRow;
  matchCount: number;
  lines: MatchedLine[];
}

interface SearchPage {
  edges: { cursor: string; node: ConfigMatch }[];
  hasNextPage: boolean;
  endCursor: string | null;
}

const MatchedLineType = builder.objectRef<MatchedLine>('MatchedLine').implement({
  fields: (t) => ({
    number: t.exposeInt('number', { description: '1-based line number.' }),
    text: t.exposeString('text'),
    isMatch: t.exposeBoolean('isMatch', { description: 'False for context lines.' }),
  }),
});

const ConfigMatchType = builder.objectRef<ConfigMatch>('ConfigMatch').implement({
  description: 'One version of one device that matched, with its matching lines and their context.',
  fields: (t) => ({
    device: t.field({ type: DeviceType, resolve: (match) => match.device }),
    backup: t.field({ type: BackupType, resolve: (match) => match.backup }),
    matchCount: t.exposeInt('matchCount', { description: 'Matching lines in this version (lines are capped).' }),
    lines: t.field({
      type: [MatchedLineType],
      description: `Matching lines (at most ${maxLinesPerVersion}) and their context, in order; numbers jump between snippets.`,
      resolve: (match) => match.lines,
    }),
  }),
});

const ConfigMatchEdgeType = builder.objectRef<SearchPage['edges'][number]>('ConfigMatchEdge').implement({
  fields: (t) => ({
    cursor: t.exposeString('cursor'),
    node: t.field({ type: ConfigMatchType, resolve: (edge) => edge.node }),
  }),
});

const SearchConfigsSuccessType = builder.objectRef<SearchPage>('SearchConfigsConnection').implement({
  fields: (t) => ({
    edges: t.field({ type: [ConfigMatchEdgeType], resolve: (page) => page.edges }),
    pageInfo: t.field({
      type: builder.pageInfoRef(),
      resolve: (page) => ({
        hasNextPage: page.hasNextPage,
        hasPreviousPage: false,
        startCursor: page.edges[0]?.cursor ?? null,
        endCursor: page.endCursor,
      }),
    }),
  }),
});

const SearchConfigsResult = builder.unionType('SearchConfigsResult', {
  types: [SearchConfigsSuccessType, ValidationErrorType],
  resolveType: (value) => (value instanceof ValidationFailure ? ValidationErrorType : SearchConfigsSuccessType),
});

/** Escapes every ARE metacharacter, for plain-text search. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

export interface SearchInput {
  pattern: string;
  regex: boolean;
  caseSensitive: boolean;
  latestOnly: boolean;
  contextLines: number;
  first: number;
  after: string | null;
}

export async function searchConfigs(ctx: Context, input: SearchInput): Promise<SearchPage | ValidationFailure> {
  if (input.pattern.length === 0) return new ValidationFailure('pattern', 'pattern must not be empty');
  if (input.pattern.length > 1000) return new ValidationFailure('pattern', 'pattern must be at most 1000 characters');
  if (!Number.isInteger(input.first) || input.first < 1 || input.first > maxPageSize)
    return new ValidationFailure('first', `first must be between 1 and ${maxPageSize}`);
  if (!Number.isInteger(input.contextLines) || input.contextLines < 0 || input.contextLines > maxContextLines)
    return new ValidationFailure('contextLines', `contextLines must be between 0 and ${maxContextLines}`);
  const offset = input.after ? decodeOffset(input.after) : 0;
  if (offset === null) return new ValidationFailure('after', 'malformed cursor');
  // (?n): newline-sensitive, so `^`, `$` and `.` work per line; `i` for case-insensitive.
  const regex = `(?${input.caseSensitive ? '' : 'i'}n)${input.regex ? input.pattern : escapeRegex(input.pattern)}`;
  const invalid = await checkRegex(ctx, regex);
  if (invalid) return new ValidationFailure('pattern', `invalid regular expression: ${invalid}`);

  const readable = readableDevicesCondition(ctx.viewer) ?? sql`true`;
  const candidates: SQL = input.latestOnly
    ? sql`select distinct on (b.device_id) b.id, b.device_id, b.sha256, b.is_binary, b.created_at
          from ${backups} b
          order by b.device_id, b.created_at desc nulls last, b.id desc nulls last`
    : // Every distinct stored version: unchanged check-ins point at an earlier version's bytes.
      sql`select b.id, b.device_id, b.sha256, b.is_binary, b.created_at from ${backups} b where b.changed`;
  const matched = await withStatementTimeout(ctx.db, (db) =>
    db.execute(sql`
      /* searchConfigs */
      select v.id as backup_id, v.device_id, v.sha256, t.content
      from (${candidates}) v
      join ${devices} on ${devices.id} = v.device_id
      join text_contents t on t.sha256 = v.sha256
      where not v.is_binary and ${readable} and t.content ~ ${regex}
      order by ${devices.name}, v.created_at desc, v.id
      limit ${input.first + 1} offset ${offset}`),
  );
  if (matched === 'timeout') {
    return new ValidationFailure(
      'pattern',
      `the search ran longer than ${searchTimeoutMs / 1000} s; narrow the pattern`,
    );
  }
  const found = rowsOf<{ backup_id: string; device_id: string; sha256: string; content: string }>(matched);
  const page = found.slice(0, input.first);
  const hasNextPage = found.length > input.first;
  if (page.length === 0) return { edges: [], hasNextPage: false, endCursor: null };

  const shas = [...new Set(page.map((row) => row.sha256))];
  const lineRows = rowsOf<{ sha256: string; n: string | number }>(
    await ctx.db.execute(sql`
      /* searchConfigsLines */
      select t.sha256, l.n
      from text_contents t, regexp_split_to_table(t.content, E'\\n') with ordinality as l(line, n)
      where t.sha256 in (${sql.join(
        shas.map((sha) => sql`${sha}`),
        sql`, `,
      )}) and l.line ~ ${regex}
      order by t.sha256, l.n`),
  );
  const matchesBySha = new Map<string, number[]>();
  for (const row of lineRows) {
    const list = matchesBySha.get(row.sha256) ?? [];
    list.push(Number(row.n));
    matchesBySha.set(row.sha256, list);
  }
  const [backupRows, deviceRows] = await Promise.all([
    ctx.db
      .select()
      .from(backups)
      .where(
        sql`${backups.id} in (${sql.join(
          page.map((row) => sql`${row.backup_id}`),
          sql`, `,
        )})`,
      ),
    ctx.db
      .select()
      .from(devices)
      .where(
        sql`${devices.id} in (${sql.join(
          [...new Set(page.map((row) => row.device_id))].map((id) => sql`${id}`),
          sql`, `,
        )})`,
      ),
  ]);
  const backupById = new Map(backupRows.map((row) => [row.id, row]));
  const deviceById = new Map(deviceRows.map((row) => [row.id, row]));
  const edges = page.map((row, index) => {
    const numbers = matchesBySha.get(row.sha256) ?? [];
    return {
      cursor: encodeOffset(offset + index + 1),
      node: {
        device: deviceById.get(row.device_id)!,
        backup: backupById.get(row.backup_id)!,
        matchCount: numbers.length,
        lines: withContext(row.content, numbers.slice(0, maxLinesPerVersion), input.contextLines),
      },
    };
  });
  return { edges, hasNextPage, endCursor: edges.at(-1)?.cursor ?? null };
}

/** The matching lines plus `context` lines around each, merged where they overlap. */
export function withContext(content: string, matchNumbers: number[], context: number): MatchedLine[] {
  const lines = content.split('\n');
  const isMatch = new Set(matchNumbers);
  const out: MatchedLine[] = [];
  let lastEmitted = 0;
  for (const number of matchNumbers) {
    const from = Math.max(number - context, lastEmitted + 1, 1);
    const to = Math.min(number + context, lines.length);
    for (let n = from; n <= to; n++) out.push({ number: n, text: lines[n - 1] ?? '', isMatch: isMatch.has(n) });
    lastEmitted = Math.max(lastEmitted, to);
  }
  return out;
}

/** The database's own regex parser decides what is valid (its dialect is the one we run). */
/**
 * User-supplied regular expressions run in the database; a pathological one must not hold it for long.
 * PostgreSQL enforces this; PGlite (single-threaded WASM) ignores statement_timeout, so there it is a no-op.
 */
const searchTimeoutMs = 10_000;

async function withStatementTimeout<T>(db: Database, run: (db: Database) => Promise<T>): Promise<T | 'timeout'> {
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql.raw(`set local statement_timeout = ${searchTimeoutMs}`));
      return run(tx);
    });
  } catch (error) {
    // 57014 query_canceled, from postgres.js and PGlite alike (drizzle may wrap it as the cause).
    const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
    if (code === '57014') return 'timeout';
    throw error;
  }
}

async function checkRegex(ctx: Context, regex: string): Promise<string | null> {
  try {
    await ctx.db.execute(sql`/* checkSearchRegex */ select '' ~ ${regex}`);
    return null;
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return (cause?.message ?? (error as Error).message).replace(/^.*invalid regular expression:\s*/i, '');
  }
}

function encodeOffset(offset: number) {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function decodeOffset(cursor: string): number | null {
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : null;
}

builder.queryField('searchConfigs', (t) =>
  t.field({
    type: SearchConfigsResult,
    description:
      'Searches stored text versions: by default the latest version of each device, as plain text, ' +
      'case-insensitively. `regex: true` takes a PostgreSQL regular expression (newline-sensitive: `^`/`$` ' +
      'anchor lines). Results are ordered by device name, newest version first.',
    args: {
      pattern: t.arg.string({ required: true }),
      regex: t.arg.boolean({ required: false, defaultValue: false }),
      caseSensitive: t.arg.boolean({ required: false, defaultValue: false }),
      latestOnly: t.arg.boolean({ required: false, defaultValue: true }),
      contextLines: t.arg.int({ required: false, defaultValue: 2 }),
      first: t.arg.int({ required: false, defaultValue: 20 }),
      after: t.arg.string({ required: false }),
    },
    resolve: (_root, args, ctx) =>
      searchConfigs(ctx, {
        pattern: args.pattern,
        regex: args.regex ?? false,
        caseSensitive: args.caseSensitive ?? false,
        latestOnly: args.latestOnly ?? true,
        contextLines: args.contextLines ?? 2,
        first: args.first ?? 20,
        after: args.after ?? null,
      }),
  }),
);
