/**
 * Who may see and change scrub rules and backup filters. A rule applies to every device, to one plugin's
 * devices and/or to one device group's. Admins manage all of them; operators manage those scoped to a device
 * group they operate (a rule for every group could hide lines of devices they can't see); everyone signed in
 * reads the global ones and those of their groups. Rules of other groups look like missing ones.
 */
import { findPluginSummary } from '@devicevault/plugins/catalog';
import { eq, inArray, isNull, or, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Context } from './context.js';
import { deviceGroups } from './db/tables.js';
import { isUuid, ValidationFailure } from './errors.js';
import { canOperateGroup, forbidden, requireViewer, type Viewer } from './policy.js';

type ScopedTable = { deviceGroupId: AnyPgColumn };

/** A WHERE condition for the rules this viewer may read; undefined for admins. */
export function readableRulesCondition(viewer: Viewer | null, table: ScopedTable): SQL | undefined {
  if (viewer?.role === 'admin') return undefined;
  const groups = [...(viewer?.deviceGroupIds ?? [])];
  return groups.length > 0
    ? or(isNull(table.deviceGroupId), inArray(table.deviceGroupId, groups))
    : isNull(table.deviceGroupId);
}

export function canReadRule(viewer: Viewer | null, rule: { deviceGroupId: string | null }): boolean {
  if (!viewer) return false;
  if (viewer.role === 'admin' || rule.deviceGroupId === null) return true;
  return viewer.deviceGroupIds.has(rule.deviceGroupId);
}

/** Throws FORBIDDEN unless the viewer may manage rules of this scope. */
export function requireRuleManager(ctx: Context, deviceGroupId: string | null): Viewer {
  const viewer = requireViewer(ctx.viewer);
  if (viewer.role === 'admin') return viewer;
  if (deviceGroupId === null) {
    throw forbidden('Only administrators may manage rules for every device group; operators scope theirs to a group.');
  }
  if (!canOperateGroup(viewer, deviceGroupId)) throw forbidden('You do not operate this device group.');
  return viewer;
}

/** The scope fields of an input: the plugin must exist, the device group too. */
export async function checkScope(
  ctx: Context,
  scope: { pluginKey?: string | null; deviceGroupId?: string | null },
): Promise<ValidationFailure | null> {
  if (scope.pluginKey != null && !findPluginSummary(scope.pluginKey))
    return new ValidationFailure('pluginKey', `no plugin has the key "${scope.pluginKey}"`);
  if (scope.deviceGroupId != null) {
    const [group] = isUuid(scope.deviceGroupId)
      ? await ctx.db.select({ id: deviceGroups.id }).from(deviceGroups).where(eq(deviceGroups.id, scope.deviceGroupId))
      : [];
    if (!group) return new ValidationFailure('deviceGroupId', `device group ${scope.deviceGroupId} does not exist`);
  }
  return null;
}
