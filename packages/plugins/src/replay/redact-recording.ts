/**
 * Takes secrets out of a recorded session before it is written as a fixture a user may send us: the login
 * and enable passwords become fixed placeholders (typed again at replay, so a model that types them still
 * matches), and every value the plugin's secret masks would hide becomes a stand-in of the same shape
 * (letters stay letters, digits digits, punctuation and a `$1$`-style prefix are kept), so the masks still
 * match it and a scrubbed collection of the fixture stores what a scrubbed collection of the device did.
 */
import type { BackupPlugin, DeviceTarget } from '../contract.js';
import { isShellPlugin, processCommandOutput, type ShellCommand } from '../runtime/shell-plugin.js';
import type { RecordedSession } from './recording-proxy.js';

export const redactedPassword = 'devicevault-redacted-password';
export const redactedEnablePassword = 'devicevault-redacted-enable';

/** Secrets shorter than this are not replaced across the session: they would hit unrelated words and numbers. */
const minSecretLength = 4;

export interface RedactionReport {
  session: RecordedSession;
  /** How many distinct secret values were replaced (the values themselves are never reported). */
  secretsRedacted: number;
}

export function redactSession(plugin: BackupPlugin, target: DeviceTarget, session: RecordedSession): RedactionReport {
  const secrets = new Map<string, string>();
  for (const exchange of session.exchanges) {
    for (const secret of maskedValues(plugin, target, exchange.input, exchange.answer.toString('utf8'))) {
      secrets.set(secret, sameShape(secret));
    }
  }
  const replacements: [string, string][] = [
    ...[...secrets].sort(([a], [b]) => b.length - a.length),
    // Passwords last: a secret that contains the password is replaced whole first.
    ...(target.enablePassword ? [[target.enablePassword, redactedEnablePassword] as [string, string]] : []),
    ...(target.password ? [[target.password, redactedPassword] as [string, string]] : []),
  ];
  const redact = (text: string) => replaceTokens(text, replacements);
  return {
    session: {
      mode: session.mode,
      initPrompt: Buffer.from(redact(session.initPrompt.toString('utf8'))),
      exchanges: session.exchanges.map((exchange) => ({
        input: redact(exchange.input),
        answer: Buffer.from(redact(exchange.answer.toString('utf8'))),
      })),
    },
    secretsRedacted: secrets.size,
  };
}

/** Values the plugin's masks hide in one answer: tokens of the unmasked output that the masked output lacks. */
function maskedValues(plugin: BackupPlugin, target: DeviceTarget, input: string, raw: string): string[] {
  if (!isShellPlugin(plugin)) return [];
  const { definition } = plugin;
  const { maskSecrets } = definition;
  if (!maskSecrets) return [];
  const command = input.replace(/\r?\n$/, '');
  const spec: ShellCommand = definition.commands.find(
    (candidate) => candidate.command === command || candidate.scrubbedCommand === command,
  ) ?? { command };
  let plain: string;
  let masked: string;
  try {
    plain = processCommandOutput(definition, spec, raw, false, target);
    masked = processCommandOutput(definition, spec, raw, true, target);
  } catch {
    // A cleanup that can't handle a stray answer (a pager keypress): the masks alone, on the raw text.
    plain = raw;
    try {
      masked = maskSecrets(raw, { command, comment: (text) => text, target });
    } catch {
      // Masks that parse the output (JSON configs) can't read this answer, so it holds nothing they would hide.
      return [];
    }
  }
  if (plain === masked) return [];
  const found = new Set<string>();
  const maskedTokens = new Set(masked.split(/\s+/));
  for (const pair of alignLines(plain.split('\n'), masked.split('\n'))) {
    if (pair.masked !== null) {
      // A line a mask rewrote: the tokens between the common start and end of the two versions.
      for (const token of differingTokens(pair.plain, pair.masked)) if (!maskedTokens.has(token)) found.add(token);
      continue;
    }
    // A line a mask dropped (certificate bodies, key blocks): tokens the masked output lacks, except plain
    // words (a line's command words), which would be replaced all over the session otherwise.
    for (const token of pair.plain.split(/\s+/)) {
      if (token && !maskedTokens.has(token) && !/^[A-Za-z][a-z-]*$/.test(token)) found.add(token);
    }
  }
  return [...found].filter((token) => token.length >= minSecretLength);
}

/** How far ahead a dropped or added line is looked for before two lines are taken as one rewritten line. */
const alignWindow = 64;

/**
 * Pairs each unmasked line that differs from the masked output with the line a mask rewrote it into, or with
 * null when a mask dropped it. Masks keep the order of lines, so a greedy walk with a look-ahead suffices.
 */
function alignLines(plain: readonly string[], masked: readonly string[]): { plain: string; masked: string | null }[] {
  const pairs: { plain: string; masked: string | null }[] = [];
  let i = 0;
  let j = 0;
  while (i < plain.length) {
    const line = plain[i]!;
    if (j < masked.length && line === masked[j]) {
      i += 1;
      j += 1;
      continue;
    }
    const ahead = masked.slice(j, j + alignWindow).indexOf(line);
    if (ahead > 0) {
      // Lines a mask added (a placeholder for a removed block): skip them.
      j += ahead;
      continue;
    }
    const resumes = j < masked.length ? plain.slice(i + 1, i + 1 + alignWindow).indexOf(masked[j]!) : -1;
    if (resumes !== -1 || j >= masked.length) {
      // This line (and the next `resumes` ones) were dropped.
      const dropped = resumes === -1 ? plain.length - i : resumes + 1;
      for (const gone of plain.slice(i, i + dropped)) pairs.push({ plain: gone, masked: null });
      i += dropped;
      continue;
    }
    pairs.push({ plain: line, masked: masked[j]! });
    i += 1;
    j += 1;
  }
  return pairs;
}

function differingTokens(plain: string, masked: string): string[] {
  const a = plain.split(/(\s+)/).filter((part) => part !== '');
  const b = masked.split(/(\s+)/).filter((part) => part !== '');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end += 1;
  const maskedTokens = new Set(b);
  return a.slice(start, a.length - end).filter((token) => /\S/.test(token) && !maskedTokens.has(token));
}

/** A stand-in with the secret's shape: `$9$AbC12/x` → `$9$XxX00/x`-like, never the secret itself. */
export function sameShape(secret: string): string {
  const prefix = /^["']?\$\d+\$/.exec(secret)?.[0] ?? '';
  const shaped = [...secret.slice(prefix.length)]
    .map((char) => {
      if (/[0-9]/.test(char)) return '0';
      if (/[a-f]/.test(char)) return 'a';
      if (/[A-F]/.test(char)) return 'A';
      if (/[g-z]/.test(char)) return 'x';
      if (/[G-Z]/.test(char)) return 'X';
      return char;
    })
    .join('');
  const candidate = prefix + shaped;
  // A secret already made of stand-in characters (`0000`) would survive unchanged: shift it.
  return candidate === secret ? candidate.replace(/[0-9a-zA-Z]/g, (char) => (char === 'x' ? 'y' : 'x')) : candidate;
}

/** Replaces whole tokens only (bounded by whitespace or the ends), so a short secret never eats part of a word. */
function replaceTokens(text: string, replacements: readonly [string, string][]): string {
  let out = text;
  for (const [from, to] of replacements) {
    if (!from) continue;
    const escaped = from.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    out = out.replace(new RegExp(`(?<!\\S)${escaped}(?!\\S)`, 'g'), () => to);
  }
  return out;
}
