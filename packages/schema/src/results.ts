/** `XxxResult = XxxSuccess | ValidationError | NotFoundError` unions for mutations (STYLE.md 10–11). */
import type { ObjectRef } from '@pothos/core';
import { builder } from './builder.js';
import type { Context } from './context.js';
import { NotFound, NotFoundErrorType, ValidationErrorType, ValidationFailure } from './errors.js';

export type Failure = ValidationFailure | NotFound;

export function resultUnion<T extends object>(
  name: string,
  success: ObjectRef<typeof builder extends never ? never : any, T>,
) {
  return builder.unionType(name, {
    types: [success, ValidationErrorType, NotFoundErrorType],
    resolveType: (value) => {
      if (value instanceof ValidationFailure) return ValidationErrorType;
      if (value instanceof NotFound) return NotFoundErrorType;
      return success;
    },
  });
}
