/** Rules for users shared by the GraphQL API and the `devicevault create-user` command. */
import { randomBytes } from 'node:crypto';
import { userRoles } from './db/tables.js';
import { ValidationFailure } from './errors.js';

export function checkUsername(username: string): ValidationFailure | null {
  if (/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(username)) return null;
  return new ValidationFailure(
    'username',
    'usernames are 1–64 letters, digits, dots, dashes, underscores or @, starting with a letter or digit',
  );
}

export function checkRole(role: string): ValidationFailure | null {
  if ((userRoles as readonly string[]).includes(role)) return null;
  return new ValidationFailure('role', `role must be one of ${userRoles.join(', ')}`);
}

export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

export function checkPasswordStrength(field: string, password: string): ValidationFailure | null {
  if (password.length < 10) return new ValidationFailure(field, 'passwords must be at least 10 characters');
  if (password.length > 1024) return new ValidationFailure(field, 'passwords must be at most 1024 characters');
  return null;
}
