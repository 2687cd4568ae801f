/**
 * What scrub rules and backup filters share as rules scoped to a plugin and/or a device group (rule-scope.ts
 * says who may do what): the look-up of one the viewer may read, the delete mutation, an update's scope.
 */
import { eq } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import type { backupFilters, scrubRules } from '../db/tables.js';
import { isUuid, NotFound } from '../errors.js';
import { deleteSuccess, type Failure, resultUnion } from '../results.js';
import { canReadRule, requireRuleManager } from '../rule-scope.js';

type ScopedRuleTable = typeof scrubRules | typeof backupFilters;

interface Scope {
  pluginKey: string | null;
  deviceGroupId: string | null;
}

/** The rule with this id if the viewer may read it; rules of other groups look like missing ones. */
export async function readableRule<T extends ScopedRuleTable>(
  ctx: Context,
  table: T,
  id: string,
): Promise<T['$inferSelect'] | undefined> {
  if (!isUuid(id)) return undefined;
  const [rule] = (await ctx.db
    .select()
    .from(table as ScopedRuleTable)
    .where(eq(table.id, id))) as T['$inferSelect'][];
  return rule && canReadRule(ctx.viewer, rule) ? rule : undefined;
}

/** `deleteXxx(input: { id })`: `label` names the rule kind in the not-found message. */
export function deleteRuleField(typeName: 'ScrubRule' | 'BackupFilter', label: string, table: ScopedRuleTable) {
  const DeleteInput = builder.inputType(`Delete${typeName}Input`, {
    fields: (t) => ({ id: t.id({ required: true }) }),
  });
  builder.mutationField(`delete${typeName}`, (t) =>
    t.field({
      type: resultUnion(`Delete${typeName}Result`, deleteSuccess(`Delete${typeName}Success`)),
      args: { input: t.arg({ type: DeleteInput, required: true }) },
      resolve: async (_root, { input }, ctx): Promise<{ deletedId: string } | Failure> => {
        const existing = await readableRule(ctx, table, input.id);
        if (!existing) return new NotFound(`${label} ${input.id} does not exist`);
        requireRuleManager(ctx, existing.deviceGroupId);
        await ctx.db.delete(table).where(eq(table.id, existing.id));
        return { deletedId: existing.id };
      },
    }),
  );
}

/** An update's scope: a field left out stays as it is, `null` widens the rule to every plugin or group. */
export function nextScope(input: { pluginKey?: string | null; deviceGroupId?: string | null }, existing: Scope): Scope {
  return {
    pluginKey: input.pluginKey === undefined ? existing.pluginKey : input.pluginKey,
    deviceGroupId: input.deviceGroupId === undefined ? existing.deviceGroupId : input.deviceGroupId,
  };
}
