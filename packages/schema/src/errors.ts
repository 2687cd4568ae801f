/** Expected failures are schema types (STYLE.md 10): every one implements `Error { message }`. */
import { builder } from './builder.js';

export class ValidationFailure {
  constructor(
    readonly field: string,
    readonly message: string,
  ) {}
}

export class NotFound {
  constructor(readonly message: string) {}
}

export const ErrorInterface = builder.interfaceRef<{ message: string }>('Error').implement({
  fields: (t) => ({ message: t.exposeString('message') }),
});

export const ValidationErrorType = builder.objectType(ValidationFailure, {
  name: 'ValidationError',
  interfaces: [ErrorInterface],
  description: 'The input was rejected; `field` names the offending input field.',
  fields: (t) => ({ field: t.exposeString('field') }),
});

export const NotFoundErrorType = builder.objectType(NotFound, {
  name: 'NotFoundError',
  interfaces: [ErrorInterface],
  fields: () => ({}),
});

/** A delete refused because other rows still use the target (devices using a credential or group). */
export class InUse {
  constructor(
    readonly message: string,
    readonly usedByCount: number,
  ) {}
}

export const InUseErrorType = builder.objectType(InUse, {
  name: 'InUseError',
  interfaces: [ErrorInterface],
  description: 'The object is still used; `usedByCount` says by how many devices.',
  fields: (t) => ({ usedByCount: t.exposeInt('usedByCount') }),
});

/** Refused because it would leave no enabled administrator. */
export class LastAdmin {
  constructor(readonly message: string) {}
}

export const LastAdminErrorType = builder.objectType(LastAdmin, {
  name: 'LastAdminError',
  interfaces: [ErrorInterface],
  fields: () => ({}),
});

/** Keyset cursors for newest-first lists: `<createdAt ISO>|<uuid>` in base64url. */
export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || !isUuid(id) || Number.isNaN(createdAt.getTime())) return null;
  return { createdAt, id };
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
