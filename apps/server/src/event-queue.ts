/**
 * One subscriber's events, pushed synchronously and read as an async iterator. Hand-written rather than
 * yoga's Repeater: with 1,000 subscribers every event is 1,000 pushes, and Repeater's promise bookkeeping was
 * the largest single cost of the fan-out in the profile (bench/subscription-fanout.ts).
 */
import type { Listenable } from '@devicevault/schema/direct-delivery';

export class EventQueue<T> implements AsyncIterableIterator<T>, Listenable<T> {
  private readonly buffered: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private listener: ((event: T) => void) | null = null;
  private closed = false;

  /** `onClose` runs once, when the reader returns or the queue is closed. */
  constructor(private readonly onClose: () => void) {}

  push(value: T): void {
    if (this.closed) return;
    if (this.listener) {
      this.listener(value);
      return;
    }
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = null;
      waiting({ value, done: false });
    } else {
      this.buffered.push(value);
    }
  }

  /** Hands every event, those already waiting first, to `listener` as it is pushed (instead of `next`). */
  listen(listener: (event: T) => void): void {
    this.listener = listener;
    for (const value of this.buffered.splice(0)) listener(value);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffered.length > 0) return Promise.resolve({ value: this.buffered.shift() as T, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.close();
    return Promise.reject(error);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffered.length = 0;
    this.onClose();
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
