/**
 * Writes a recorded session as a replay fixture in our format (fixtures/device-sessions/README.md):
 * `init_prompt` and an ordered `commands` list, each answer a YAML block scalar holding a Ruby-escaped
 * string (`\r`, `\e`, `\x20` for trailing blanks, `\xNN` for bytes that are not UTF-8), which
 * load-recording.ts reads back to the same bytes. Hand-written because no library writes Ruby's escapes.
 */
import { readFile } from 'node:fs/promises';
import { Document, parse, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { RecordedSession } from './recording-proxy.js';

/** What `devicevault record` adds to a fixture, so `collect --replay` collects it the way it was recorded. */
export interface RecordMeta {
  plugin: string;
  username: string;
  options: Record<string, string>;
  /** Whether an enable password was used (it was replaced by a placeholder in the session). */
  enable_password: boolean;
}

export const recordMetaKey = 'devicevault_record';

/** The `devicevault_record` entry of a fixture file, or null for fixtures written by hand or by Oxidized. */
export async function readRecordMeta(path: string): Promise<Partial<RecordMeta> | null> {
  const doc = (parse(await readFile(path, 'utf8')) ?? {}) as Record<string, unknown>;
  const meta = doc[recordMetaKey];
  return typeof meta === 'object' && meta !== null ? (meta as Partial<RecordMeta>) : null;
}

export interface RecordingHeader {
  /** Comment lines put at the top of the file (who recorded what, what was redacted). */
  comment: string;
  /** Extra top-level keys for our tools (the replay loader ignores keys it does not know). */
  meta?: Record<string, unknown>;
}

export function writeRecording(session: RecordedSession, header: RecordingHeader): string {
  const doc = new Document<YAMLMap>(new YAMLMap());
  doc.commentBefore = header.comment
    .split('\n')
    .map((line) => ` ${line}`)
    .join('\n');
  const root = doc.contents as YAMLMap;
  if (session.mode === 'shell') root.add(doc.createPair('init_prompt', blockScalar(session.initPrompt)));
  const commands = new YAMLSeq();
  for (const exchange of session.exchanges) {
    const entry = new YAMLMap();
    const key = new Scalar(exchange.input);
    key.type = Scalar.QUOTE_DOUBLE;
    entry.add(doc.createPair(key, blockScalar(exchange.answer)));
    commands.add(entry);
  }
  root.add(doc.createPair('commands', commands));
  for (const [key, value] of Object.entries(header.meta ?? {})) root.add(doc.createPair(key, value));
  return doc.toString({ lineWidth: 0 });
}

function blockScalar(bytes: Buffer): Scalar {
  const scalar = new Scalar(rubyDump(bytes));
  scalar.type = Scalar.BLOCK_LITERAL;
  return scalar;
}

/** Ruby-style escapes that `rubyUndump` turns back into exactly these bytes; real newlines stay newlines. */
export function rubyDump(bytes: Buffer): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i]!;
    const length = utf8Length(bytes, i);
    if (length === 0) {
      out += hexEscape(byte);
      i += 1;
      continue;
    }
    if (length > 1) {
      const char = bytes.subarray(i, i + length).toString('utf8');
      // Characters YAML reads as line breaks or drops (NEL, LS, PS, BOM) would not come back as themselves.
      out += /[\u0085\u2028\u2029\ufeff]/.test(char) ? `\\u{${char.codePointAt(0)!.toString(16)}}` : char;
      i += length;
      continue;
    }
    out += asciiEscape(byte, bytes[i + 1]);
    i += 1;
  }
  // Trailing blanks on a line (and at the end) would be lost by editors and YAML tools: spell them out.
  return out.replace(/[ ]+(?=\n|$)/g, (blanks) => '\\x20'.repeat(blanks.length));
}

function asciiEscape(byte: number, next: number | undefined): string {
  if (byte === 0x0a) return '\n';
  if (byte === 0x5c) return '\\\\';
  if (byte === 0x22) return '\\"';
  // `#{`, `#$`, `#@` would interpolate in Ruby; Oxidized's fixtures escape them, so do we.
  if (byte === 0x23 && (next === 0x7b || next === 0x24 || next === 0x40)) return '\\#';
  if (byte === 0x0d) return '\\r';
  if (byte === 0x09) return '\\t';
  if (byte === 0x1b) return '\\e';
  if (byte < 0x20 || byte === 0x7f) return hexEscape(byte);
  return String.fromCharCode(byte);
}

function hexEscape(byte: number): string {
  return `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** The length of a valid UTF-8 sequence at `i` (1 for ASCII), or 0 when the byte starts none. */
function utf8Length(bytes: Buffer, i: number): number {
  const byte = bytes[i]!;
  if (byte < 0x80) return 1;
  const length = byte >= 0xf0 && byte <= 0xf4 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc2 && byte < 0xe0 ? 2 : 0;
  if (length === 0 || i + length > bytes.length) return 0;
  for (let k = 1; k < length; k += 1) if ((bytes[i + k]! & 0xc0) !== 0x80) return 0;
  // Overlong forms and surrogates are not valid UTF-8; Buffer#toString would turn them into U+FFFD.
  const char = bytes.subarray(i, i + length).toString('utf8');
  return char.includes('\ufffd') && !bytes.subarray(i, i + length).equals(Buffer.from('\ufffd')) ? 0 : length;
}
