/**
 * Text helpers shared by vendor files, with the exact line semantics of Oxidized's Ruby so that our stored
 * configs are byte-identical to its recorded expectations (see fixtures/device-sessions/README.md).
 */

/** Lines with their `\n` kept (Ruby `each_line`); a last line without `\n` is kept too. */
export function linesOf(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Drops `head` lines at the start and `tail` at the end: the command echo and the trailing prompt. */
export function cutBoth(text: string, head = 1, tail = 1): string {
  const lines = linesOf(text);
  return lines.slice(head, Math.max(head, lines.length - tail)).join('');
}

export function cutHead(text: string, count = 1): string {
  return linesOf(text).slice(count).join('');
}

export function cutTail(text: string, count = 1): string {
  const lines = linesOf(text);
  return lines.slice(0, Math.max(0, lines.length - count)).join('');
}

/** Prefixes every line, empty ones included (Ruby `comment`: `"! "` lines keep their trailing space). */
export function commentLines(text: string, prefix: string): string {
  return linesOf(text)
    .map((line) => prefix + line)
    .join('');
}

/**
 * Inserts `prefix` at the start of every line, as Ruby's `gsub(/^/, prefix)`: unlike JavaScript's `/^/gm`,
 * Ruby does not match at the empty position after a final `\n`.
 */
export function prefixEachLine(text: string, prefix: string): string {
  return text.replace(new RegExp(rubyLineStart, 'g'), () => prefix);
}

/** Ruby's `strip`: its whitespace (NUL, tab, LF, VT, FF, CR and space only, not Unicode spaces) both ends. */
export function rubyStrip(text: string): string {
  return text.replace(/^[\0\t\n\v\f\r ]+|[\0\t\n\v\f\r ]+$/g, '');
}

/** Ruby's `rstrip`: its whitespace at the end. */
export function rubyRstrip(text: string): string {
  return text.replace(/[\0\t\n\v\f\r ]+$/, '');
}

/** Ruby `split("\n")`: trailing empty fields are dropped. */
export function splitLines(text: string): string[] {
  const fields = text.split('\n');
  while (fields.length > 0 && fields[fields.length - 1] === '') fields.pop();
  return fields;
}

/** Removes ANSI/VT100 escape sequences (colours, cursor moves) that some CLIs draw around prompts. */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point.
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]/g, '');
}

export function removeCarriageReturns(text: string): string {
  return text.replace(/\r/g, '');
}

/** The leading items for which `keep` holds (Ruby `take_while`). */
export function takeWhile<T>(items: readonly T[], keep: (item: T) => boolean): T[] {
  const stop = items.findIndex((item) => !keep(item));
  return stop === -1 ? [...items] : items.slice(0, stop);
}

/** A pattern with Ruby's line semantics (`^`/`$` at every line), tested without moving `lastIndex`. */
function rubyLineTest(pattern: string | RegExp): (line: string) => boolean {
  if (typeof pattern === 'string') return (line) => line.includes(pattern);
  const regex = rb(new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')));
  return (line) => regex.test(line);
}

/** Lines (with their `\n`) matching none of `patterns`: strings match as substrings (Oxidized `reject_lines`). */
export function rejectLines(text: string, patterns: readonly (string | RegExp)[]): string {
  const tests = patterns.map(rubyLineTest);
  return linesOf(text)
    .filter((line) => !tests.some((test) => test(line)))
    .join('');
}

/** Lines (with their `\n`) matching any of `patterns` (Oxidized `keep_lines`). */
export function keepLines(text: string, patterns: readonly (string | RegExp)[]): string {
  const tests = patterns.map(rubyLineTest);
  return linesOf(text)
    .filter((line) => tests.some((test) => test(line)))
    .join('');
}

/**
 * Every line without its trailing whitespace, joined by `\n`, with a final `\n` (Ruby
 * `lines.map(&:rstrip).join("\n") + "\n"`): Ruby's whitespace is NUL, tab, LF, VT, FF, CR and space only.
 */
export function rstripLines(text: string): string {
  return `${linesOf(text).map(rubyRstrip).join('\n')}\n`;
}

/**
 * Ruby's `^`: the start of the text, or right after a `\n` that is not the text's last character. JavaScript's
 * `/^/m` also matches after a lone `\r`, and at the empty end after a final `\n`, where Ruby's does not.
 */
const rubyLineStart = '(?:(?<![\\s\\S])|(?<=\\n)(?=[\\s\\S]))';

/**
 * A Ruby regular expression as JavaScript, for porting Oxidized's filters exactly: Ruby's `.` matches `\r`
 * (JavaScript's does not), its `^`/`$` are line anchors that know only `\n` (JavaScript's `/m` also breaks
 * lines at `\r`; Ruby's `^` never matches at the end after a final `\n`), and `\h` is a hex digit. Device output
 * keeps stray `\r`s, so the difference shows. Write the Ruby source as a JavaScript literal without `m`; add `s`
 * where the Ruby regex has `/m` (dot matches `\n`).
 */
export function rb(pattern: RegExp): RegExp {
  const dotAll = pattern.flags.includes('s');
  const source = pattern.source;
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i];
    if (char === '\\') {
      const next = source[i + 1] ?? '';
      i += 1;
      if (next === 'h') out += inClass ? '0-9a-fA-F' : '[0-9a-fA-F]';
      // Ruby's whitespace is ASCII only (JavaScript's also takes no-break and other Unicode spaces).
      else if (next === 's') out += inClass ? ' \\t\\r\\n\\f\\v' : '[ \\t\\r\\n\\f\\v]';
      else if (next === 'S' && !inClass) out += '[^ \\t\\r\\n\\f\\v]';
      else if (next === 'A' && !inClass) out += '(?<![\\s\\S])';
      else if (next === 'z' && !inClass) out += '(?![\\s\\S])';
      else if (next === 'Z' && !inClass) out += '(?=\\n?(?![\\s\\S]))';
      else out += `\\${next}`;
    } else if (inClass) {
      if (char === ']') inClass = false;
      out += char;
    } else if (char === '[') {
      inClass = true;
      out += char;
      // A `]` or `^]` right after the opening bracket is literal in Ruby.
      if (source[i + 1] === '^') {
        out += '^';
        i += 1;
      }
    } else if (char === '.') out += dotAll ? '[\\s\\S]' : '[^\\n]';
    else if (char === '^') out += rubyLineStart;
    else if (char === '$') out += '(?![^\\n])';
    else out += char;
  }
  return new RegExp(out, pattern.flags.replace(/[ms]/g, ''));
}

/**
 * Oxidized's `xmlcomment`: one `<!-- … -->` line per line of `text`, each holding the whole text (as the
 * model does) with `--` split into `- -`, since XML comments may not contain a double hyphen.
 */
export function xmlComment(text: string): string {
  const body = text.replace(/-(?=-)/g, '- ').replace(/(\r\n|\n|\r)$/, '');
  return linesOf(text)
    .map(() => `<!-- ${body} -->\n`)
    .join('');
}
