/**
 * Undoes the Ruby string escapes that recorded sessions use inside YAML block scalars (what Ruby's
 * `"\"#{text}\"".undump` does). Returns bytes, because `\xNN` escapes are bytes, not characters: a UTF-8
 * character may be spelled as two `\x` escapes.
 */
const simpleEscapes: Record<string, number> = {
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  f: 0x0c,
  v: 0x0b,
  b: 0x08,
  a: 0x07,
  e: 0x1b,
  s: 0x20,
  '0': 0x00,
};

export function rubyUndump(text: string): Buffer {
  const parts: Buffer[] = [];
  let literalStart = 0;
  let i = 0;

  function flushLiteral(end: number): void {
    if (end > literalStart) parts.push(Buffer.from(text.slice(literalStart, end), 'utf8'));
  }

  while (i < text.length) {
    if (text[i] !== '\\' || i + 1 >= text.length) {
      i += 1;
      continue;
    }
    flushLiteral(i);
    const next = text[i + 1] ?? '';
    const hex = /^x([0-9a-fA-F]{1,2})/.exec(text.slice(i + 1, i + 4));
    const unicode = /^u(?:([0-9a-fA-F]{4})|\{([0-9a-fA-F]+)\})/.exec(text.slice(i + 1, i + 12));
    if (hex?.[1]) {
      parts.push(Buffer.from([Number.parseInt(hex[1], 16)]));
      i += 2 + hex[1].length;
    } else if (unicode) {
      const code = Number.parseInt(unicode[1] ?? unicode[2] ?? '0', 16);
      parts.push(Buffer.from(String.fromCodePoint(code), 'utf8'));
      i += 1 + unicode[0].length;
    } else if (next in simpleEscapes) {
      parts.push(Buffer.from([simpleEscapes[next] ?? 0]));
      i += 2;
    } else {
      // `\"`, `\\`, `\#` and any other escaped character stand for the character itself.
      parts.push(Buffer.from(next, 'utf8'));
      i += 2;
    }
    literalStart = i;
  }
  flushLiteral(text.length);
  return Buffer.concat(parts);
}
