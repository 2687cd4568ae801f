/** The logger as call sites and log readers see it: JSON lines, level filtering, secret fields redacted. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../src/log.js';

describe('logger', () => {
  it('writes one JSON line per entry with time, level, message and fields, and drops entries below its level', () => {
    const lines: string[] = [];
    const log = createLogger('info', (line) => lines.push(line));

    log.debug('not shown', { jobId: 'j0' });
    log.info('job succeeded', { jobId: 'j1', size: 42 });
    log.error('no fields');

    assert.equal(lines.length, 2);
    assert.ok(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n')));
    const [first, second] = lines.map((line) => JSON.parse(line));
    assert.deepEqual(
      { level: first.level, message: first.message, jobId: first.jobId, size: first.size },
      { level: 'info', message: 'job succeeded', jobId: 'j1', size: 42 },
    );
    assert.ok(!Number.isNaN(Date.parse(first.time)));
    assert.deepEqual([second.level, second.message], ['error', 'no fields']);
  });

  it('redacts fields named like secrets, at the top level and one object down', () => {
    const lines: string[] = [];
    const log = createLogger('debug', (line) => lines.push(line));

    log.warn('careless call site', {
      password: 'canary-password',
      token: 'canary-token',
      input: { secret: 'canary-secret', name: 'kept' },
    });

    const entry = JSON.parse(lines[0]!);
    assert.doesNotMatch(lines[0]!, /canary/);
    assert.deepEqual(
      [entry.password, entry.token, entry.input],
      ['[redacted]', '[redacted]', { secret: '[redacted]', name: 'kept' }],
    );
  });

  it('writes nothing when silent', () => {
    const lines: string[] = [];
    const log = createLogger('silent', (line) => lines.push(line));

    log.error('nothing', { jobId: 'j2' });

    assert.deepEqual(lines, []);
  });
});
