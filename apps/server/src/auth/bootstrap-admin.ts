/**
 * When no enabled administrator exists (a fresh database, or only users made with `create-user` before the
 * first start), creates one: from DEVICEVAULT_ADMIN_PASSWORD, or with a
 * generated password printed once to the console (never to the structured log).
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '@devicevault/schema/db/database';
import { users } from '@devicevault/schema/db/tables';
import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from '../log.js';
import { passwords } from './passwords.js';

export async function ensureAdmin(db: Database, configuredPassword: string | undefined, log: Logger) {
  const [{ count } = { count: 0 }] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.disabled, false)));
  if (count > 0) return;
  const [taken] = await db.select({ id: users.id }).from(users).where(eq(users.username, 'admin'));
  if (taken) {
    log.warn('no enabled administrator, and the name "admin" is taken: create one with devicevault create-user');
    return;
  }
  const password = configuredPassword ?? randomBytes(12).toString('base64url');
  const inserted = await db
    .insert(users)
    .values({ username: 'admin', passwordHash: await passwords.hash(password), role: 'admin' })
    .onConflictDoNothing()
    .returning();
  if (inserted.length === 0) return;
  log.info('created the first administrator', {
    username: 'admin',
    passwordFrom: configuredPassword ? 'env' : 'generated',
  });
  if (!configuredPassword) {
    process.stderr.write(
      `\n  DeviceVault created the user "admin" with the one-time password:\n\n      ${password}\n\n  Sign in and change it (or set DEVICEVAULT_ADMIN_PASSWORD before the first start).\n\n`,
    );
  }
}
