/**
 * RFC 4180 CSV through csv-parse: comma-separated, fields optionally in double quotes ("" is a quote inside
 * them; quoted fields may hold commas and line breaks), CRLF, LF or CR line ends, an optional UTF-8 BOM.
 * Each record keeps the line it starts on so errors can point at it; a malformed record is reported (at the
 * line of its problem), not guessed at, and reading goes on with the next record.
 */
import { CsvError, parse } from 'csv-parse/sync';

export type CsvRecord = { line: number; fields: string[] } | { line: number; error: string };

// After an invalid closing quote csv-parse stays inside the quoted field for the rest of the input, so we
// restart after that line ourselves; each restart re-reads the remainder, hence the cap.
const maxRestarts = 100;

const messages: Record<string, string> = {
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field (quote the whole field and double the quote)',
  CSV_INVALID_CLOSING_QUOTE: 'unexpected text after a closing quote',
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
};

export function parseCsv(text: string): CsvRecord[] {
  // One line-end convention, so line numbers count CRLF once wherever it appears (even inside quotes).
  const input = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n');
  const records: CsvRecord[] = [];
  let from = 0;
  let linesBefore = 0;
  for (let restarts = 0; from < input.length; restarts++) {
    if (restarts > maxRestarts) {
      records.push({
        line: linesBefore + 1,
        error: `more than ${maxRestarts} malformed quoted fields; the rest of the file was not read`,
      });
      break;
    }
    const stopped = parseFrom(input.slice(from), linesBefore, records);
    if (stopped === null) break;
    // Resume at the start of the line after the one the parser gave up on.
    const next = offsetOfLine(input, from, stopped - linesBefore);
    if (next === -1) break;
    from = next;
    linesBefore = stopped;
  }
  return records;
}

/** Parses `chunk`, appending records; returns the (absolute) line it had to give up on, or null at the end. */
function parseFrom(chunk: string, linesBefore: number, records: CsvRecord[]): number | null {
  try {
    parse(chunk, {
      delimiter: ',',
      record_delimiter: '\n',
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      raw: true,
      // With `raw` on (for on_skip), each record arrives as { record, raw } (the types don't say so).
      on_record: (value: string[] | { record: string[] }, context) => {
        const fields = Array.isArray(value) ? value : value.record;
        const breaks = fields.reduce((count, field) => count + countLineBreaks(field), 0);
        records.push({ line: linesBefore + context.lines - breaks, fields });
        return null;
      },
      on_skip: (error: CsvError | undefined, raw: string | undefined) => {
        if (!error) return;
        if (error.code === 'CSV_INVALID_CLOSING_QUOTE') throw error;
        records.push({ line: linesBefore + startLine(error, raw), error: messages[error.code] ?? error.message });
      },
    });
    return null;
  } catch (error) {
    if (!(error instanceof CsvError) || error.code !== 'CSV_INVALID_CLOSING_QUOTE') throw error;
    const line = linesBefore + (error as CsvError & { lines: number }).lines;
    records.push({ line, error: messages[error.code]! });
    return line;
  }
}

/** The line a failed record starts on: the error's line less the line breaks the record had passed. */
function startLine(error: CsvError, raw: string | undefined): number {
  const at = (error as CsvError & { lines: number }).lines;
  return at - countLineBreaks((raw ?? '').replace(/^\n+/, '').replace(/\n$/, ''));
}

function countLineBreaks(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count++;
  return count;
}

/** The offset in `input` where line `line` (1-based, counted from `from`) + 1 begins, or -1 past the end. */
function offsetOfLine(input: string, from: number, line: number): number {
  let offset = from;
  for (let seen = 0; seen < line; seen++) {
    const newline = input.indexOf('\n', offset);
    if (newline === -1) return -1;
    offset = newline + 1;
  }
  return offset;
}
