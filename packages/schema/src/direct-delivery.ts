/**
 * Subscriptions whose events can go to the socket without an async iterator per subscriber (issue 12 item
 * 6): with 1,000 dashboards open, each event is 1,000 deliveries, and every `await` of a per-subscriber
 * generator chain costs more than the write itself. A source that offers `[directDelivery]` is started by
 * the transport instead of iterated; it still applies the same access checks, synchronously when what they
 * need is known, otherwise after the lookup, and always in the order the events arrived.
 */
export const directDelivery = Symbol.for('devicevault.directDelivery');

export interface DirectDelivery<T> {
  /**
   * Calls `deliver` for each event the caller may see, in order, and `end` once when the subscription is
   * over (with the error when it failed). Returns the function that stops it, or null when this source
   * can't deliver directly (the transport then iterates it as usual).
   */
  start(deliver: (event: T) => void, end: (error?: unknown) => void): (() => void) | null;
}

/** A pubsub subscription that can also hand its events to one listener as they are published. */
export interface Listenable<T> extends AsyncIterable<T> {
  listen(listener: (event: T) => void): void;
  return(): Promise<IteratorResult<T>>;
}

export function isListenable<T>(source: AsyncIterable<T>): source is Listenable<T> {
  return typeof (source as Partial<Listenable<T>>).listen === 'function';
}

/**
 * Runs steps in the order they arrive: synchronously while a step can answer at once (`now` returns a
 * value) and nothing before it is still waiting; otherwise behind the steps before it (`later`).
 */
export function createInOrder() {
  let waiting = 0;
  let tail: Promise<void> = Promise.resolve();
  return function inOrder<R>(
    now: () => R | undefined,
    later: () => Promise<R>,
    then: (result: R) => void,
    failed: (error: unknown) => void,
  ): void {
    if (waiting === 0) {
      const result = now();
      if (result !== undefined) {
        then(result);
        return;
      }
    }
    waiting++;
    tail = tail
      .then(later)
      .then(then)
      .catch(failed)
      .finally(() => {
        waiting--;
      });
  };
}
