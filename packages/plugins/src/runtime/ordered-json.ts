/**
 * JSON that keeps its key order, printed the way Ruby's `JSON.pretty_generate` prints it. Hand-written
 * because JavaScript objects move integer-like keys ("1", "2") to the front, which would reorder a device's
 * config against Oxidized's stored bytes; a Map keeps the order the device sent.
 */

export type JsonValue = null | boolean | JsonNumber | string | JsonValue[] | JsonObject;
export type JsonObject = Map<string, JsonValue>;

/** A number with its source text, so integers print exactly as sent. */
export interface JsonNumber {
  number: string;
}

export function parseOrderedJson(text: string): JsonValue {
  let at = 0;

  function fail(what: string): never {
    throw new SyntaxError(`${what} at position ${at} of the JSON`);
  }

  function skipSpace(): void {
    while (at < text.length && ' \t\n\r'.includes(text[at] ?? '')) at += 1;
  }

  function value(): JsonValue {
    skipSpace();
    const char = text[at];
    if (char === '{') return object();
    if (char === '[') return array();
    if (char === '"') return string();
    for (const [word, result] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return result;
      }
    }
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(at, at + 64));
    if (!number) fail('unexpected character');
    at += number[0].length;
    return { number: number[0] };
  }

  function string(): string {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw control characters in strings.
    const match = /^"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/.exec(text.slice(at));
    if (!match) fail('bad string');
    at += match[0].length;
    return JSON.parse(match[0]) as string;
  }

  function array(): JsonValue[] {
    at += 1;
    const items: JsonValue[] = [];
    skipSpace();
    if (text[at] === ']') {
      at += 1;
      return items;
    }
    for (;;) {
      items.push(value());
      skipSpace();
      const char = text[at];
      at += 1;
      if (char === ']') return items;
      if (char !== ',') fail('expected , or ]');
    }
  }

  function object(): JsonObject {
    at += 1;
    const entries: JsonObject = new Map();
    skipSpace();
    if (text[at] === '}') {
      at += 1;
      return entries;
    }
    for (;;) {
      skipSpace();
      if (text[at] !== '"') fail('expected a key');
      const key = string();
      skipSpace();
      if (text[at] !== ':') fail('expected :');
      at += 1;
      entries.set(key, value());
      skipSpace();
      const char = text[at];
      at += 1;
      if (char === '}') return entries;
      if (char !== ',') fail('expected , or }');
    }
  }

  const result = value();
  skipSpace();
  if (at !== text.length) fail('trailing text');
  return result;
}

/** Ruby `JSON.pretty_generate`: two-space indent, `"key": value`, `[]` and `{}` when empty. */
export function prettyGenerate(value: JsonValue, indent = ''): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = `${indent}  `;
    return `[\n${value.map((item) => inner + prettyGenerate(item, inner)).join(',\n')}\n${indent}]`;
  }
  if (value instanceof Map) {
    if (value.size === 0) return '{}';
    const inner = `${indent}  `;
    const entries = [...value].map(([key, item]) => `${inner}${JSON.stringify(key)}: ${prettyGenerate(item, inner)}`);
    return `{\n${entries.join(',\n')}\n${indent}}`;
  }
  return rubyNumber(value.number);
}

/** Integers as sent; floats as Ruby's `Float#to_s` writes them (`1.0`, `1.5`, `1.0e+20`). */
function rubyNumber(text: string): string {
  if (/^-?\d+$/.test(text)) return text;
  const number = Number(text);
  const plain = String(number);
  if (!plain.includes('e')) return plain.includes('.') ? plain : `${plain}.0`;
  const [mantissa = '', exponent = ''] = plain.split('e');
  const sign = exponent.startsWith('-') ? '-' : '+';
  const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}e${sign}${digits}`;
}

/** The value at `path` below `root` (Ruby `dig`), or undefined when any step is missing. */
export function dig(root: JsonValue | undefined, ...path: string[]): JsonValue | undefined {
  let current = root;
  for (const key of path) {
    if (!(current instanceof Map)) return undefined;
    current = current.get(key);
  }
  return current;
}
