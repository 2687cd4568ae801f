/** A written fixture reads back to the very bytes recorded, whatever they are (escapes, blanks, broken UTF-8). */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadRecording } from '../src/replay/load-recording.js';
import { sameShape } from '../src/replay/redact-recording.js';
import { readRecordMeta, recordMetaKey, writeRecording } from '../src/replay/write-recording.js';

describe('writeRecording', () => {
  it('round-trips control characters, trailing blanks, quotes, backslashes and bytes that are not UTF-8', async () => {
    const awkward = Buffer.concat([
      Buffer.from('  leading blanks\r\n\x1b[7mreverse\x1b[0m "quoted" \\ back\\slash #{not ruby} tab\there   \n'),
      Buffer.from([0xff, 0xfe, 0x00, 0x7f, 0xc3]),
      Buffer.from('\nünïcödé\u2028line-separator\u0085 ends with blanks  '),
    ]);
    const session = {
      mode: 'shell' as const,
      initPrompt: Buffer.from('Banner line\nrouter#'),
      exchanges: [
        { input: 'show run\n', answer: awkward },
        { input: ' ', answer: Buffer.alloc(0) },
        { input: 'show run\n', answer: Buffer.from('again\nrouter#') },
      ],
    };
    const dir = await mkdtemp(join(tmpdir(), 'dv-write-recording-'));
    const path = join(dir, 'x.simulation.yaml');

    try {
      await writeFile(path, writeRecording(session, { comment: 'a test', meta: { [recordMetaKey]: { plugin: 'p' } } }));
      const read = await loadRecording(path);

      assert.ok(read.initPrompt?.equals(session.initPrompt));
      assert.equal(read.ordered, true);
      assert.deepEqual(
        read.exchanges.map((exchange) => [exchange.input, exchange.answer.toString('hex')]),
        session.exchanges.map((exchange) => [exchange.input, exchange.answer.toString('hex')]),
      );
      assert.deepEqual(await readRecordMeta(path), { plugin: 'p' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('replaces a secret by a stand-in of the same shape that never equals it', () => {
    assert.equal(sameShape('$1$mERr$hx5rVt7rPNoS4wqbXKX7m0'), '$1$xAXx$xx0xXx0xXXxX0xxaXXX0x0');
    assert.equal(sameShape('0000'), 'xxxx');
    assert.notEqual(sameShape('xxxx'), 'xxxx');
  });
});
