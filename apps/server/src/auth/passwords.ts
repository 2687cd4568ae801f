import type { PasswordsPort } from '@devicevault/schema/context';
import argon2 from 'argon2';

/** argon2id with the library's defaults (64 MiB, t=3, p=4): a maintained implementation, not our own crypto. */
export const passwords: PasswordsPort = {
  hash: (password) => argon2.hash(password, { type: argon2.argon2id }),
  async verify(hash, password) {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  },
};
