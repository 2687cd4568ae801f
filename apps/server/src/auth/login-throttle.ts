/**
 * Sign-in throttling, stored in the database so every server process shares it. Three counters per
 * attempt: the username (across addresses), the address (across usernames) and the pair. Each allows a
 * few failures, then blocks for 30 s, doubling per further failure up to 15 min; a counter starts over
 * after an hour without attempts. Every attempt is counted before the password is checked (parallel
 * guesses can't all slip past one check) and a successful one is given back.
 *
 * The owner can't be locked out by others' failures alone: an address the user signed in from before
 * (a "known address") is judged only by its own pair counter, so an attack on the username or from other
 * addresses doesn't reach it. Unknown addresses face all three counters.
 */
import type { Context, LoginThrottlePort } from '@devicevault/schema/context';
import { loginKnownAddresses, loginThrottle, users } from '@devicevault/schema/db/tables';
import { and, eq, gt, inArray, lt, or, type SQL, sql } from 'drizzle-orm';

type Db = Context['db'];

export interface ThrottleRule {
  /** Failures allowed before the first block. */
  free: number;
  /** The first block; each further failure doubles it. */
  baseSeconds: number;
  maxSeconds: number;
}

export const throttleRules = {
  user: { free: 5, baseSeconds: 30, maxSeconds: 15 * 60 },
  address: { free: 10, baseSeconds: 30, maxSeconds: 15 * 60 },
  pair: { free: 5, baseSeconds: 30, maxSeconds: 15 * 60 },
} satisfies Record<string, ThrottleRule>;
type Scope = keyof typeof throttleRules;

/** A counter starts over when it saw no attempt for this long. */
const decaySeconds = 60 * 60;
/** A known address stays known this long after its last successful sign-in. */
const knownForDays = 90;

export function createLoginThrottle(db: Db): LoginThrottlePort {
  return {
    async begin(username, sourceAddress) {
      const name = username.trim().toLowerCase();
      const address = throttleAddress(sourceAddress);
      const keys: Record<Scope, string> = {
        user: `user:${name}`,
        address: `address:${address}`,
        pair: `pair:${name}|${address}`,
      };
      const known = await isKnownAddress(db, username.trim(), address);
      const scopes: Scope[] = known ? ['pair'] : ['pair', 'user', 'address'];

      // Read first, so an attempt refused by one counter isn't charged to the others.
      const waiting = await retryAfter(
        db,
        scopes.map((scope) => keys[scope]),
      );
      if (waiting > 0) return { allowed: false, retryAfterSeconds: waiting };
      const charged: Scope[] = [];
      for (const scope of scopes) {
        if (await charge(db, keys[scope], throttleRules[scope])) charged.push(scope);
        else {
          // Blocked between our read and our charge (another process or request): give back what we took.
          for (const taken of charged) await refund(db, keys[taken], throttleRules[taken]);
          return {
            allowed: false,
            retryAfterSeconds: Math.max(1, await retryAfter(db, [keys[scope]])),
          };
        }
      }
      if (Math.random() < 0.01) await prune(db);

      return {
        allowed: true,
        async succeeded(userId) {
          // Whoever knows the password may reset the username's and the pair's counters; the address keeps
          // its count less this attempt (else one valid account would wash an address clean for a sprayer).
          await db.delete(loginThrottle).where(inArray(loginThrottle.key, [keys.user, keys.pair]));
          if (charged.includes('address')) await refund(db, keys.address, throttleRules.address);
          await db
            .insert(loginKnownAddresses)
            .values({ userId, address })
            .onConflictDoUpdate({
              target: [loginKnownAddresses.userId, loginKnownAddresses.address],
              set: { lastSuccessAt: sql`now()` },
            });
        },
      };
    },
  };
}

/**
 * The address a counter is kept for: IPv4 as is (IPv4-mapped IPv6 unwrapped), IPv6 by its /64, since one
 * host usually holds a whole /64 and could otherwise step through it.
 */
export function throttleAddress(address: string | null): string {
  if (!address) return 'unknown';
  const mapped = address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('%')[0]!.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = address.includes('::') && tail ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const groups = [...headParts, ...Array<string>(Math.max(missing, 0)).fill('0'), ...tailParts];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

async function isKnownAddress(db: Db, username: string, address: string): Promise<boolean> {
  const [row] = await db
    .select({ userId: loginKnownAddresses.userId })
    .from(loginKnownAddresses)
    .innerJoin(users, eq(users.id, loginKnownAddresses.userId))
    .where(
      and(
        eq(users.username, username),
        eq(loginKnownAddresses.address, address),
        gt(loginKnownAddresses.lastSuccessAt, sql`now() - make_interval(days => ${knownForDays}::int)`),
      ),
    )
    .limit(1);
  return row !== undefined;
}

/** Seconds until the latest block among `keys` ends (0 when none is blocked). */
async function retryAfter(db: Db, keys: string[]): Promise<number> {
  const [row] = await db
    .select({
      seconds: sql<number>`ceil(extract(epoch from max(${loginThrottle.blockedUntil}) - now()))::int`,
    })
    .from(loginThrottle)
    .where(and(inArray(loginThrottle.key, keys), gt(loginThrottle.blockedUntil, sql`now()`)));
  return Number(row?.seconds ?? 0);
}

/** Counts one attempt, setting the block it earns; false (nothing counted) when the key is blocked now. */
async function charge(db: Db, key: string, rule: ThrottleRule): Promise<boolean> {
  const failures: SQL = sql`(case when ${loginThrottle.updatedAt} < now() - make_interval(secs => ${decaySeconds}::int)
    then 1 else ${loginThrottle.failures} + 1 end)`;
  const rows = await db
    .insert(loginThrottle)
    .values({ key, failures: 1, blockedUntil: null, updatedAt: sql`now()` })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures,
        blockedUntil: sql`case when ${failures} >= ${rule.free}::int
          then now() + make_interval(secs => least(${rule.baseSeconds}::float8 * power(2, ${failures} - ${rule.free}::int), ${rule.maxSeconds}::float8))
          else null end`,
        updatedAt: sql`now()`,
      },
      setWhere: or(sql`${loginThrottle.blockedUntil} is null`, sql`${loginThrottle.blockedUntil} <= now()`),
    })
    .returning({ key: loginThrottle.key });
  return rows.length > 0;
}

/** Gives back one counted attempt; a block stays unless the count falls below what earns one. */
async function refund(db: Db, key: string, rule: ThrottleRule): Promise<void> {
  await db
    .update(loginThrottle)
    .set({
      failures: sql`greatest(${loginThrottle.failures} - 1, 0)`,
      blockedUntil: sql`case when ${loginThrottle.failures} - 1 < ${rule.free}::int then null else ${loginThrottle.blockedUntil} end`,
    })
    .where(eq(loginThrottle.key, key));
}

/** Forgets counters that have started over anyway and addresses no longer known. */
async function prune(db: Db): Promise<void> {
  await db
    .delete(loginThrottle)
    .where(
      and(
        lt(loginThrottle.updatedAt, sql`now() - make_interval(secs => ${decaySeconds}::int)`),
        or(sql`${loginThrottle.blockedUntil} is null`, lt(loginThrottle.blockedUntil, sql`now()`)),
      ),
    );
  await db
    .delete(loginKnownAddresses)
    .where(lt(loginKnownAddresses.lastSuccessAt, sql`now() - make_interval(days => ${knownForDays}::int)`));
}
