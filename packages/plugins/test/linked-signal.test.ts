import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { abortErrorFrom, linkedSignal, withOverallDeadline } from '../src/runtime/abort.js';

describe('a linked signal (a job deadline and the stops above it)', () => {
  it('aborts with the reason of the parent that aborted', () => {
    const stop = new AbortController();
    const other = new AbortController();
    const linked = linkedSignal([other.signal, stop.signal], 60_000);

    stop.abort(new Error('the job lease was lost'));

    assert.equal(linked.signal.aborted, true);
    assert.equal((linked.signal.reason as Error).message, 'the job lease was lost');
    assert.equal(abortErrorFrom(linked.signal).code, 'aborted');
  });

  it('aborts with a TimeoutError once its deadline passes, which reads as a timeout', async () => {
    const linked = linkedSignal([new AbortController().signal], 20);

    // The deadline's timer never keeps the process alive (as AbortSignal.timeout's), so the test holds it open.
    const keepAlive = setTimeout(() => {}, 60_000);
    await new Promise<void>((resolve) => linked.signal.addEventListener('abort', () => resolve(), { once: true }));
    clearTimeout(keepAlive);

    assert.equal((linked.signal.reason as Error).name, 'TimeoutError');
    assert.equal(abortErrorFrom(linked.signal).code, 'timeout');
  });

  it('starts aborted when a parent already is', () => {
    const stop = new AbortController();
    stop.abort(new Error('server stopping'));

    const linked = linkedSignal([stop.signal], 60_000);

    assert.equal(linked.signal.aborted, true);
    assert.equal((linked.signal.reason as Error).message, 'server stopping');
  });

  it('never aborts once disposed: neither its deadline nor a parent reaches it', async () => {
    const stop = new AbortController();
    const linked = linkedSignal([stop.signal], 20);

    linked.dispose();
    stop.abort(new Error('later'));
    await new Promise((resolve) => setTimeout(resolve, 60));

    assert.equal(linked.signal.aborted, false);
  });

  it('leaves no listener on its parents once disposed, aborted or past the overall deadline', async () => {
    const parent = new AbortController();
    linkedSignal([parent.signal], 60_000).dispose();
    const aborted = linkedSignal([parent.signal, new AbortController().signal]);
    aborted.signal.addEventListener('abort', () => {});
    const other = new AbortController();
    const viaOther = linkedSignal([parent.signal, other.signal]);
    other.abort(new Error('stop'));
    const timeouts = { connectMs: 1, idleMs: 1, overallMs: 60_000 };
    await withOverallDeadline({ signal: parent.signal, timeouts }, async () => 'done');

    assert.equal(viaOther.signal.aborted, true);
    aborted.dispose();
    assert.equal(getEventListeners(parent.signal, 'abort').length, 0);
  });
});
