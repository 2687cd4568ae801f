/** parseCsv (csv-parse underneath): records keep their starting line; malformed ones are reported and skipped. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCsv } from '../src/csv.js';

describe('parseCsv', () => {
  it('reads RFC 4180 quoting, mixed line ends and a BOM, numbering records by the line they start on', () => {
    const text = '\ufeffname,host\r\n"a, b",1\n"say ""hi""",2\r"two\r\nlines",3\n\n,\nlast,4';

    const records = parseCsv(text);

    assert.deepEqual(records, [
      { line: 1, fields: ['name', 'host'] },
      { line: 2, fields: ['a, b', '1'] },
      { line: 3, fields: ['say "hi"', '2'] },
      { line: 4, fields: ['two\nlines', '3'] },
      { line: 7, fields: ['', ''] },
      { line: 8, fields: ['last', '4'] },
    ]);
  });

  it('reports a malformed record at its line and goes on with the next one', () => {
    const text = [
      'name,host',
      'stray"quote,1',
      'ok-1,2',
      '"closed"early,3',
      'ok-2,4',
      '"spans',
      'two"lines,5',
      'ok-3,6',
      '"never closed,7',
      'swallowed,8',
    ].join('\n');

    const records = parseCsv(text);

    assert.deepEqual(
      records.map((record) => ('error' in record ? [record.line, record.error] : [record.line, record.fields[0]])),
      [
        [1, 'name'],
        [2, 'a quote inside an unquoted field (quote the whole field and double the quote)'],
        [3, 'ok-1'],
        [4, 'unexpected text after a closing quote'],
        [5, 'ok-2'],
        [7, 'unexpected text after a closing quote'],
        [8, 'ok-3'],
        [9, 'a quoted field is never closed'],
      ],
    );
  });

  it('stops with one error after 100 malformed quoted fields instead of re-reading the rest each time', () => {
    const text = ['name,host', ...Array.from({ length: 150 }, (_, index) => `"bad"${index},x`)].join('\n');

    const records = parseCsv(text);

    assert.equal(records.length, 1 + 101 + 1);
    assert.match(String((records.at(-1) as { error: string }).error), /more than 100 malformed quoted fields/);
  });
});
