/**
 * RFC 4180 CSV: comma-separated, fields optionally in double quotes ("" is a quote inside them; quoted
 * fields may hold commas and line breaks), CRLF or LF line ends, an optional UTF-8 BOM. Each record keeps
 * the line it starts on so errors can point at it; a malformed record is reported, not guessed at.
 */

export type CsvRecord = { line: number; fields: string[] } | { line: number; error: string };

export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let line = 1;
  let index = 0;
  while (index < input.length) {
    const start = line;
    const fields: string[] = [];
    let error: string | null = null;
    // One record: fields until an unquoted line break or the end of input.
    for (;;) {
      let field = '';
      if (input[index] === '"') {
        index++;
        for (;;) {
          const quote = input.indexOf('"', index);
          if (quote === -1) {
            error ??= 'a quoted field is never closed';
            field += input.slice(index);
            line += countLineBreaks(input, index, input.length);
            index = input.length;
            break;
          }
          field += input.slice(index, quote);
          line += countLineBreaks(input, index, quote);
          index = quote + 1;
          if (input[index] === '"') {
            field += '"';
            index++;
            continue;
          }
          break;
        }
        if (index < input.length && input[index] !== ',' && input[index] !== '\n' && input[index] !== '\r') {
          error ??= 'unexpected text after a closing quote';
          while (index < input.length && input[index] !== ',' && input[index] !== '\n' && input[index] !== '\r')
            index++;
        }
      } else {
        const end = nextDelimiter(input, index);
        field = input.slice(index, end);
        if (field.includes('"'))
          error ??= 'a quote inside an unquoted field (quote the whole field and double the quote)';
        index = end;
      }
      fields.push(field);
      if (input[index] === ',') {
        index++;
        continue;
      }
      break;
    }
    // The record's line break.
    if (input[index] === '\r') index++;
    if (input[index] === '\n') index++;
    line++;
    if (error) records.push({ line: start, error });
    else if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
  }
  return records;
}

function nextDelimiter(input: string, from: number): number {
  for (let index = from; index < input.length; index++) {
    const char = input[index];
    if (char === ',' || char === '\n' || char === '\r') return index;
  }
  return input.length;
}

function countLineBreaks(input: string, from: number, to: number): number {
  let count = 0;
  for (let index = from; index < to; index++) if (input[index] === '\n') count++;
  return count;
}
