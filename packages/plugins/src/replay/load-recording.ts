/**
 * Reads a recorded device session (`<name>.simulation.yaml`) and the files beside it: the expected
 * `output.txt`, the `secret.yaml` and `significant_changes.yaml` checks, the plugin options to collect it
 * with (`options.yaml`), and the folder's `prompt.yaml`. A `<name>.custom_simulation.yaml` (a session that
 * Oxidized runs from a model-specific spec with node vars set) pairs with `custom_output.txt`,
 * `custom_options.yaml` and so on. The format is described in fixtures/device-sessions/README.md.
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

/** One way to collect a recording: the plugin options (Oxidized node vars) it is collected with. */
export interface RecordingRun {
  /** Shown in test names when a recording is collected more than one way; null for the only, plain run. */
  name: string | null;
  options: Record<string, string>;
  /**
   * The login password the session was recorded with, when the device's answers depend on it (a model that
   * types the login password again for enable or sudo); null for any. From `password:` in options.yaml.
   */
  password: string | null;
}

export interface Recording {
  /** `<folder>/<description>`, for test names and logs (`… (custom)` for a custom simulation). */
  name: string;
  /** A `custom_simulation.yaml`: it only comes out right with the options of its `custom_options.yaml`. */
  custom: boolean;
  /** Every run must store `expectedOutput` and pass the checks; one run with no options by default. */
  runs: RecordingRun[];
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
const customSimulationSuffix = '.custom_simulation.yaml';

export async function loadRecording(simulationPath: string): Promise<Recording> {
  const folder = dirname(simulationPath);
  const custom = simulationPath.endsWith(customSimulationSuffix);
  const description = basename(simulationPath, custom ? customSimulationSuffix : simulationSuffix);
  const doc = parse(await readFile(simulationPath, 'utf8')) as {
    init_prompt?: unknown;
    commands?: unknown;
    oxidized_output?: unknown;
  } | null;
  const { ordered, exchanges } = parseCommands(doc?.commands);
  const sibling = (kind: string) => join(folder, `${description}.${custom ? 'custom_' : ''}${kind}`);
  return {
    name: `${basename(folder)}/${description}${custom ? ' (custom)' : ''}`,
    custom,
    runs: await readRuns(sibling('options.yaml')),
    os: basename(folder),
    initPrompt: typeof doc?.init_prompt === 'string' ? rubyUndump(doc.init_prompt) : null,
    ordered,
    exchanges,
    // Some of Oxidized's custom simulations carry their expected output inline (`oxidized_output`, Ruby-escaped).
    expectedOutput:
      (await readOptional(sibling('output.txt'))) ??
      (typeof doc?.oxidized_output === 'string' ? rubyUndump(doc.oxidized_output).toString('utf8') : null),
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

/**
 * Every `*.simulation.yaml` and `*.custom_simulation.yaml` below `root`, one folder level deep (folder = OS),
 * sorted for stable test order.
 */
export async function findSimulations(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    for (const file of await readdir(join(root, entry.name))) {
      if (file.endsWith(simulationSuffix) || file.endsWith(customSimulationSuffix))
        found.push(join(root, entry.name, file));
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

/**
 * `options.yaml`: either `options: { key: value }` (one run) or `runs: [{ name, options }]` (the same session
 * collected several ways, e.g. under a node var's current and deprecated names). Values become strings.
 */
async function readRuns(path: string): Promise<RecordingRun[]> {
  const text = await readOptional(path);
  if (text === null) return [{ name: null, options: {}, password: null }];
  const doc = (parse(text) ?? {}) as { options?: unknown; runs?: unknown; password?: unknown };
  const password = typeof doc.password === 'string' ? doc.password : null;
  if (!Array.isArray(doc.runs)) return [{ name: null, options: stringMap(doc.options), password }];
  return doc.runs.map((run: unknown, index) => {
    const entry = (run ?? {}) as { name?: unknown; options?: unknown; password?: unknown };
    return {
      name: typeof entry.name === 'string' ? entry.name : `run ${index + 1}`,
      options: stringMap(entry.options),
      password: typeof entry.password === 'string' ? entry.password : password,
    };
  });
}

function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, String(item)]));
}

async function readOptional(path: string): Promise<string | null> {
  return existsSync(path) ? readFile(path, 'utf8') : null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
