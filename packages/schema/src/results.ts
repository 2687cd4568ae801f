/** `XxxResult = XxxSuccess | ValidationError | NotFoundError` unions for mutations (STYLE.md 10–11). */
import type { ObjectRef, SchemaTypes } from '@pothos/core';
import { builder } from './builder.js';
import { NotFound, NotFoundErrorType, ValidationErrorType, ValidationFailure } from './errors.js';

export type Failure = ValidationFailure | NotFound;

/** Our builder's schema types, so refs made by `builder` fit here without `any`. */
type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T extends SchemaTypes> ? T : never;

/** A further typed error a union may hold: its class (checked with instanceof) and its schema type. */
export type ExtraError<E extends object> = readonly [new (...args: never[]) => E, ObjectRef<Types, E>];

export function resultUnion<T extends object, E extends object = never>(
  name: string,
  success: ObjectRef<Types, T>,
  extraErrors: readonly ExtraError<E>[] = [],
) {
  const errorTypes = extraErrors.map(([, type]) => type);
  return builder.unionType(name, {
    types: [success, ValidationErrorType, NotFoundErrorType, ...errorTypes] as ObjectRef<
      Types,
      T | ValidationFailure | NotFound | E
    >[],
    resolveType: (value) => {
      if (value instanceof ValidationFailure) return ValidationErrorType;
      if (value instanceof NotFound) return NotFoundErrorType;
      for (const [errorClass, type] of extraErrors) if (value instanceof errorClass) return type;
      return success;
    },
  });
}

/** `DeleteXxxSuccess { deletedId }`: the object is gone; `deletedId` is the id it had. */
export function deleteSuccess(name: string) {
  return builder.objectRef<{ deletedId: string }>(name).implement({
    fields: (t) => ({ deletedId: t.exposeID('deletedId') }),
  });
}
