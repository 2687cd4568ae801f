/**
 * The admin's network policy (which device networks the server may connect to), stored as one `settings`
 * row. The runner reads it for every job and hands it to the worker with the task; no row means the
 * defaults (link-local and cloud metadata denied, everything else allowed).
 */
import { defaultNetworkPolicy, type NetworkPolicy } from '@devicevault/plugins/transports/network-policy';
import { eq, sql } from 'drizzle-orm';
import type { Database } from './db/database.js';
import { settings } from './db/tables.js';

const networkPolicyKey = 'network_policy';

export async function readNetworkPolicy(db: Database): Promise<NetworkPolicy> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, networkPolicyKey));
  return networkPolicyOf(row?.value);
}

/** The stored row's value (null or undefined: no row) as a policy; for readers that select it themselves. */
export function networkPolicyOf(stored: unknown): NetworkPolicy {
  if (!stored) return defaultNetworkPolicy;
  const value = stored as Partial<NetworkPolicy>;
  return { allow: stringsOf(value.allow), deny: stringsOf(value.deny) };
}

/** The settings row's value, as a subquery a reader can put beside its own columns. */
export function networkPolicyValueSql() {
  return sql`(select ${settings.value} from ${settings} where ${settings.key} = ${networkPolicyKey})`;
}

export async function writeNetworkPolicy(db: Database, policy: NetworkPolicy): Promise<void> {
  const value = { allow: [...policy.allow], deny: [...policy.deny] };
  await db
    .insert(settings)
    .values({ key: networkPolicyKey, value })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date() } });
}

function stringsOf(list: unknown): string[] {
  return Array.isArray(list) ? list.filter((entry): entry is string => typeof entry === 'string') : [];
}
