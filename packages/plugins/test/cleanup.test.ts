import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prefixEachLine, rb, rubyRstrip, rubyStrip } from '../src/runtime/cleanup.js';

// Expected values are what Ruby 3 prints for the same expressions (Oxidized's filters run in Ruby).
describe('rb() line anchors', () => {
  it('does not match ^ at the empty end after a final newline', () => {
    assert.equal(rb(/^\s*$/).test('config paging disable\n'), false);
    assert.equal(rb(/\n^/).test('a\n'), false);
  });

  it('matches ^ at the start of an empty text and after inner newlines', () => {
    assert.equal(rb(/^$/).test(''), true);
    assert.equal(rb(/\n^b/).test('a\nb'), true);
    assert.equal(rb(/^\s*$/).test(' \n'), true);
  });

  it('treats a lone carriage return as part of the line', () => {
    assert.equal(rb(/^b/).test('a\rb'), false);
    assert.equal('a\r\nb'.replace(rb(/^/g), 'x'), 'xa\r\nxb');
  });
});

describe('prefixEachLine', () => {
  it('prefixes every line as gsub(/^/, prefix) does, not the empty end', () => {
    assert.equal(prefixEachLine('a\n\n', '! '), '! a\n! \n');
    assert.equal(prefixEachLine('', '! '), '! ');
    assert.equal(prefixEachLine('a$&b\n', '$&'), '$&a$&b\n');
  });
});

describe('rubyStrip and rubyRstrip', () => {
  it("strip NUL and ASCII whitespace as Ruby's strip and rstrip do, but not Unicode spaces", () => {
    assert.equal(rubyStrip('\0 a\0 '), 'a');
    assert.equal(rubyStrip('\t a \v\f\r\n'), 'a');
    assert.equal(rubyStrip('\u00a0a\u00a0'), '\u00a0a\u00a0');
    assert.equal(rubyRstrip('\0 a \0'), '\0 a');
  });
});
