/**
 * `devicevault create-user --username U --role admin|operator|viewer [--password-stdin] [--group NAME ...]`
 * Creates a local user straight in the database named by DATABASE_URL / DEVICEVAULT_DATA_DIR. Without
 * --password-stdin a password is generated and printed once. With PGlite (no DATABASE_URL) stop the server
 * first: a PGlite data dir belongs to one process at a time.
 */
import { mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { deviceGroups, type UserRole, userGrants, users } from '@devicevault/schema/db/tables';
import { checkPasswordStrength, checkRole, checkUsername, generatePassword } from '@devicevault/schema/user-rules';
import { eq, inArray } from 'drizzle-orm';
import { createAudit } from '../audit/audit-log.js';
import { passwords } from '../auth/passwords.js';
import { openDatabase } from '../db/open-database.js';
import { readEnv } from '../env.js';
import { createLogger } from '../log.js';

const usage =
  'usage: devicevault create-user --username NAME --role admin|operator|viewer [--password-stdin] [--group NAME ...]';

function fail(message: string, code = 1): never {
  process.stderr.write(`devicevault create-user: ${message}\n`);
  process.exit(code);
}

/** A refusal found after the database is open: reported once it is closed again. */
class Refused extends Error {}

let options: { username?: string; role?: string; 'password-stdin'?: boolean; group?: string[] };
try {
  ({ values: options } = parseArgs({
    options: {
      username: { type: 'string' },
      role: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      group: { type: 'string', multiple: true },
    },
  }));
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`, 2);
}
if (!options.username || !options.role) fail(usage, 2);
const username = options.username.trim();
const role = options.role.trim();
const invalid = checkUsername(username) ?? checkRole(role);
if (invalid) fail(invalid.message, 2);

const givenPassword = options['password-stdin'] ? (await readStdin()).replace(/\r?\n$/, '') : null;
if (givenPassword !== null) {
  const weak = checkPasswordStrength('password', givenPassword);
  if (weak) fail(weak.message, 2);
}
const password = givenPassword ?? generatePassword();

const env = readEnv();
await mkdir(env.dataDir, { recursive: true });
const database = await openDatabase({ url: env.databaseUrl, pgliteDir: join(env.dataDir, 'pglite') });
try {
  const { db } = database;
  const groupNames = [...new Set(options.group ?? [])];
  const groups =
    groupNames.length > 0 ? await db.select().from(deviceGroups).where(inArray(deviceGroups.name, groupNames)) : [];
  const unknown = groupNames.filter((name) => !groups.some((group) => group.name === name));
  if (unknown.length > 0) throw new Refused(`no device group named ${unknown.map((name) => `"${name}"`).join(', ')}`);
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.username, username));
  if (existing) throw new Refused(`a user named "${username}" already exists`);

  const passwordHash = await passwords.hash(password);
  const user = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(users)
      .values({ username, role: role as UserRole, passwordHash })
      .returning();
    if (groups.length > 0)
      await tx.insert(userGrants).values(groups.map((group) => ({ userId: created!.id, deviceGroupId: group.id })));
    return created!;
  });
  await createAudit(
    db,
    createLogger('error', (line) => process.stderr.write(line)),
    { viewer: null, sourceAddress: null },
  ).record({
    action: 'cli.createUser',
    outcome: 'success',
    actorLabel: `cli:${userInfo().username}`,
    targetType: 'user',
    targetId: user.id,
    details: { role, groups: groupNames },
  });

  const where = groupNames.length > 0 ? ` in ${groupNames.join(', ')}` : '';
  process.stdout.write(`created ${role} "${username}"${where}\n`);
  if (givenPassword === null) process.stdout.write(`password: ${password}\n`);
} catch (error) {
  await database.close();
  fail(error instanceof Refused ? error.message : String(error));
}
await database.close();

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
