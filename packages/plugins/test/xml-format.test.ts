/**
 * The XML re-indenting behind paloalto_panos_api writes what Nokogiri's `to_xml(indent: 2)` writes (what
 * Oxidized stores): each case's expected output in fixtures/xml-format-cases.json was made by Nokogiri itself.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { formatXmlLikeLibxml2 } from '../src/runtime/xml-format.js';

const { cases } = JSON.parse(readFileSync(new URL('../fixtures/xml-format-cases.json', import.meta.url), 'utf8')) as {
  cases: { name: string; input: string; output: string }[];
};

describe('XML formatted like libxml2', () => {
  for (const { name, input, output } of cases) {
    it(name, () => {
      assert.equal(formatXmlLikeLibxml2(input), output);
    });
  }

  it('rejects a document that is not well-formed', () => {
    assert.throws(() => formatXmlLikeLibxml2('<config><a></config>'));
  });
});
