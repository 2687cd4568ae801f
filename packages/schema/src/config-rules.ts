/**
 * User-defined scrub rules and backup filters: validation (GraphQL) and application (the job runner and the
 * previews), in one place so a preview shows exactly what a backup will store. Patterns run on RE2 (re2js:
 * linear time whatever the pattern, so no user pattern can stall a job the way a backtracking one can);
 * features RE2 lacks (backreferences, lookaround) and nested repeats like `(a+)+` are rejected with a
 * ValidationError.
 * Patterns are multi-line: `^` and `$` match at line starts and ends.
 */
import { and, type Column, eq, isNull, or, type SQL, sql } from 'drizzle-orm';
import { RE2JS } from 're2js';
import { type Database, parsedJson, rowsOf } from './db/database.js';
import { type BackupFilterKind, backupFilters, type DeviceRow, scrubRules } from './db/tables.js';
import { ValidationFailure } from './errors.js';

const maxPatternLength = 1000;
const maxReplacementLength = 1000;

function compile(pattern: string): RE2JS {
  return RE2JS.compile(pattern, RE2JS.MULTILINE);
}

/** A pattern RE2 accepts, of sensible length; scrub patterns must also not match the empty string. */
export function checkPattern(field: string, pattern: string, options: { allowEmptyMatch: boolean }) {
  if (pattern.length === 0) return new ValidationFailure(field, 'the pattern must not be empty');
  if (pattern.length > maxPatternLength)
    return new ValidationFailure(field, `the pattern must be at most ${maxPatternLength} characters`);
  let compiled: RE2JS;
  try {
    compiled = compile(pattern);
  } catch (error) {
    return new ValidationFailure(
      field,
      `invalid regular expression (RE2 syntax: no backreferences or lookaround): ${(error as Error).message}`,
    );
  }
  if (hasNestedRepetition(pattern)) {
    return new ValidationFailure(
      field,
      'nested repetition such as (a+)+ is refused: it is the shape of catastrophic patterns (write it without the outer repeat)',
    );
  }
  if (!options.allowEmptyMatch && compiled.matcher('').find()) {
    return new ValidationFailure(field, 'the pattern matches an empty string, so it would replace text everywhere');
  }
  return null;
}

/**
 * A group that holds an unbounded repeat and is itself repeated (`(a+)+`, `(\\w*x)*`, `(?:a|b+){2,}`). RE2 runs
 * such patterns in linear time anyway; they are refused because a rule written that way would blow up in any
 * backtracking engine it is copied to (Oxidized's Ruby, grep -P), and they can always be written without.
 * Hand-written: a scan of groups and quantifiers, not a regex parser.
 */
function hasNestedRepetition(pattern: string): boolean {
  const groups: boolean[] = [];
  let repeatedInside = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i];
    if (char === '\\') {
      i += 1;
      continue;
    }
    if (char === '[') {
      // Skip a character class: its quantifier-looking characters are literals.
      i += pattern[i + 1] === ']' ? 2 : 1;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      continue;
    }
    if (char === '(') {
      groups.push(repeatedInside);
      repeatedInside = false;
      continue;
    }
    const unbounded = char === '*' || char === '+' || (char === '{' && /^\{\d*,\}/.test(pattern.slice(i)));
    if (char === ')') {
      const inner: boolean = repeatedInside;
      repeatedInside = groups.pop() ?? false;
      const next = pattern[i + 1];
      const outerRepeat = next === '*' || next === '+' || (next === '{' && /^\{\d*,\}/.test(pattern.slice(i + 1)));
      if (inner && outerRepeat) return true;
      repeatedInside ||= inner;
      continue;
    }
    if (unbounded) repeatedInside = true;
  }
  return false;
}

/** `$1`, `$2`, … must name groups the pattern has (`$$` is a dollar sign). */
export function checkReplacement(field: string, pattern: string, replacement: string) {
  if (replacement.length > maxReplacementLength)
    return new ValidationFailure(field, `the replacement must be at most ${maxReplacementLength} characters`);
  const groups = compile(pattern).groupCount();
  for (const [, number] of replacement.replaceAll('$$', '').matchAll(/\$(\d+)/g)) {
    if (Number(number) > groups)
      return new ValidationFailure(field, `$${number} refers to a group the pattern does not have (it has ${groups})`);
  }
  return null;
}

export interface ScrubRule {
  pattern: string;
  replacement: string;
}

/** Every rule in order, each on the whole text (`$1` in a replacement is the first group). */
export function applyScrubRules(text: string, rules: readonly ScrubRule[]): string {
  let out = text;
  for (const rule of rules) out = compile(rule.pattern).matcher(out).replaceAll(rule.replacement);
  return out;
}

export interface LineMatch {
  /** 1-based. */
  number: number;
  text: string;
}

/** Splits into lines that keep their `\n`, so joining them gives the text back byte for byte. */
function linesOf(text: string): string[] {
  return text.split(/(?<=\n)/).filter((line) => line !== '');
}

/** The lines any of the patterns matches (tested on the line without its line end). */
export function matchingLines(text: string, patterns: readonly string[]): LineMatch[] {
  if (patterns.length === 0) return [];
  const compiled = patterns.map(compile);
  const found: LineMatch[] = [];
  linesOf(text).forEach((line, index) => {
    const bare = line.replace(/\r?\n$/, '');
    if (compiled.some((pattern) => pattern.matcher(bare).find())) found.push({ number: index + 1, text: bare });
  });
  return found;
}

/** The text without the lines any pattern matches. */
export function removeLines(text: string, patterns: readonly string[]): string {
  if (patterns.length === 0) return text;
  const compiled = patterns.map(compile);
  return linesOf(text)
    .filter((line) => {
      const bare = line.replace(/\r?\n$/, '');
      return !compiled.some((pattern) => pattern.matcher(bare).find());
    })
    .join('');
}

/** A device by its values, or by its row's columns inside a larger statement (the job's one load). */
interface RulesDevice {
  pluginKey: string | Column;
  deviceGroupId: string | null | Column;
}

/** Rules and filters that apply to a device: global ones, its plugin's and its device group's. */
function appliesTo(device: RulesDevice, table: typeof scrubRules | typeof backupFilters) {
  return and(
    or(isNull(table.pluginKey), eq(table.pluginKey, device.pluginKey)),
    device.deviceGroupId === null
      ? isNull(table.deviceGroupId)
      : or(isNull(table.deviceGroupId), eq(table.deviceGroupId, device.deviceGroupId)),
  );
}

/** The filters of one kind that apply, oldest first, as a JSON array of patterns. */
function filterPatternsSql(device: RulesDevice, kind: BackupFilterKind) {
  return sql`coalesce((select json_agg(${backupFilters.pattern} order by ${backupFilters.createdAt}, ${backupFilters.id})
    from ${backupFilters} where ${backupFilters.kind} = ${kind} and ${appliesTo(device, backupFilters)}), '[]'::json)`;
}

/** All of a device's rules as one JSON value (UserRules): one expression, so a job reads them in its own load. */
export function userRulesSql(device: RulesDevice): SQL<UserRules> {
  return sql<UserRules>`json_build_object(
    'scrub', coalesce((select json_agg(json_build_object('pattern', ${scrubRules.pattern}, 'replacement',
      ${scrubRules.replacement}) order by ${scrubRules.createdAt}, ${scrubRules.id})
      from ${scrubRules} where ${appliesTo(device, scrubRules)}), '[]'::json),
    'remove', ${filterPatternsSql(device, 'remove_before_storing')},
    'ignore', ${filterPatternsSql(device, 'ignore_for_changes')})`.mapWith((value) => parsedJson<UserRules>(value));
}

export interface UserRules {
  scrub: readonly ScrubRule[];
  remove: readonly string[];
  ignore: readonly string[];
}

export interface RuledText {
  /** What is stored: lines removed, then (when the device scrubs secrets) the scrub rules. */
  text: string;
  /** What change detection compares; null when it is the stored text itself. */
  significant: string | null;
}

/**
 * One collected text through the user's rules: "remove" filters, then scrub rules (only for devices that
 * scrub secrets: they extend the plugin's masks), on the text and on the plugin's significant view alike;
 * "ignore for changes" filters then drop lines from the significant view only.
 */
export function applyUserRules(
  collected: { text: string; significant: string | null },
  rules: UserRules,
  scrubSecrets: boolean,
): RuledText {
  const transform = (text: string) => {
    const kept = removeLines(text, rules.remove);
    return scrubSecrets ? applyScrubRules(kept, rules.scrub) : kept;
  };
  const text = transform(collected.text);
  const base = collected.significant === null ? text : transform(collected.significant);
  const significant = removeLines(base, rules.ignore);
  return { text, significant: collected.significant === null && significant === text ? null : significant };
}

/** All of a device's rules, in one statement (previews; a job reads them with its device: load-device.ts). */
export async function userRulesFor(
  db: Database,
  device: Pick<DeviceRow, 'pluginKey' | 'deviceGroupId'>,
): Promise<UserRules> {
  const [row] = rowsOf<{ rules: unknown }>(await db.execute(sql`select ${userRulesSql(device)} as rules`));
  return parsedJson<UserRules>(row!.rules);
}
