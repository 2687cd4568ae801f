/**
 * Reads a recorded device session (`<name>.simulation.yaml`) and the files beside it: the expected
 * `output.txt`, the `secret.yaml` and `significant_changes.yaml` checks, and the folder's `prompt.yaml`.
 * The format is described in fixtures/device-sessions/README.md.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse } from 'yaml';
import { rubyUndump } from './ruby-undump.js';

export interface RecordedExchange {
  /** Exactly what the client types, newline included (`"show version\n"`, or `" "` for a pager). */
  input: string;
  /** Exactly what the device answers: echo, output and the next prompt. */
  answer: Buffer;
}

export interface RegexChecks {
  /** Regular expressions (Ruby syntax) that must match. */
  pass: string[];
  /** Regular expressions (Ruby syntax) that must not match. */
  fail: string[];
}

export interface Recording {
  /** `<folder>/<description>`, for test names and logs. */
  name: string;
  /** The folder: Oxidized's model name (`ios`, `routeros`, …). */
  os: string;
  /** Banner and first prompt; null for exec-only devices. */
  initPrompt: Buffer | null;
  /** True when `commands` was a list: inputs must arrive in exactly this order. */
  ordered: boolean;
  exchanges: RecordedExchange[];
  expectedOutput: string | null;
  secret: RegexChecks | null;
  significantChanges: RegexChecks | null;
}

export interface PromptCases {
  pass: string[];
  fail: string[];
  /** Strings that match only after the OS's expect rules (escape-code stripping) have run on them. */
  passWithExpect: string[];
}

const simulationSuffix = '.simulation.yaml';

export async function loadRecording(simulationPath: string): Promise<Recording> {
  const folder = dirname(simulationPath);
  const description = basename(simulationPath, simulationSuffix);
  const doc = parse(await readFile(simulationPath, 'utf8')) as { init_prompt?: unknown; commands?: unknown } | null;
  const { ordered, exchanges } = parseCommands(doc?.commands);
  const sibling = (kind: string) => join(folder, `${description}.${kind}`);
  return {
    name: `${basename(folder)}/${description}`,
    os: basename(folder),
    initPrompt: typeof doc?.init_prompt === 'string' ? rubyUndump(doc.init_prompt) : null,
    ordered,
    exchanges,
    expectedOutput: await readOptional(sibling('output.txt')),
    secret: await readChecks(sibling('secret.yaml')),
    significantChanges: await readChecks(sibling('significant_changes.yaml')),
  };
}

export async function loadPromptCases(folder: string): Promise<PromptCases | null> {
  const text = await readOptional(join(folder, 'prompt.yaml'));
  if (text === null) return null;
  const doc = (parse(text) ?? {}) as Record<string, unknown>;
  return { pass: strings(doc.pass), fail: strings(doc.fail), passWithExpect: strings(doc.pass_with_expect) };
}

/** Every `*.simulation.yaml` below `root`, one folder level deep (folder = OS), sorted for stable test order. */
export async function findSimulations(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    for (const file of await readdir(join(root, entry.name))) {
      if (file.endsWith(simulationSuffix)) found.push(join(root, entry.name, file));
    }
  }
  return found.sort();
}

function parseCommands(commands: unknown): { ordered: boolean; exchanges: RecordedExchange[] } {
  if (Array.isArray(commands)) {
    const exchanges = commands.flatMap((entry: unknown) => Object.entries((entry ?? {}) as Record<string, unknown>));
    return { ordered: true, exchanges: exchanges.map(toExchange) };
  }
  const map = (commands ?? {}) as Record<string, unknown>;
  return { ordered: false, exchanges: Object.entries(map).map(toExchange) };
}

function toExchange([input, answer]: [string, unknown]): RecordedExchange {
  // Keys are YAML double-quoted strings, already unescaped by YAML; answers are Ruby-escaped block scalars.
  return { input, answer: rubyUndump(typeof answer === 'string' ? answer : '') };
}

async function readChecks(path: string): Promise<RegexChecks | null> {
  const text = await readOptional(path);
  if (text === null) return null;
  const doc = (parse(text) ?? {}) as Record<string, unknown>;
  return { pass: strings(doc.pass), fail: strings(doc.fail) };
}

async function readOptional(path: string): Promise<string | null> {
  return existsSync(path) ? readFile(path, 'utf8') : null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
