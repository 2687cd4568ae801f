import type { Placeholder } from 'drizzle-orm';

/** A value given when a statement runs: the value itself, or a placeholder of a statement built once. */
export type Bound<T> = T | Placeholder;

/** Every field of T bound. */
export type BoundFields<T> = { [K in keyof T]: Bound<T[K]> };
