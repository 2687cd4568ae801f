/**
 * Device groups: the unit of access control (grants give a user's role in a group). Admins manage them;
 * everyone else sees only the groups they are granted.
 */
import { and, eq, ilike, inArray, ne, type SQL, sql } from 'drizzle-orm';
import { alphabeticalConnection, containsPattern } from '../alphabetical-pagination.js';
import { builder } from '../builder.js';
import type { Database } from '../db/database.js';
import { type DeviceGroupRow, type DeviceRow, deviceGroups, devices } from '../db/tables.js';
import { countDevicesUsing, deviceCountLoader } from '../device-counts.js';
import { InUse, InUseErrorType, isUuid, NotFound, ValidationFailure } from '../errors.js';
import type { Viewer } from '../policy.js';
import { deleteSuccess, type Failure, resultUnion } from '../results.js';
import { checkName, firstFailure } from '../validation.js';
import { DeviceType } from './devices.js';

export const DeviceGroupType = builder.objectRef<DeviceGroupRow>('DeviceGroup').implement({
  description: 'A set of devices that grants refer to: a user’s role applies to the groups they are granted.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    deviceCount: t.loadable({
      type: 'Int',
      load: deviceCountLoader(devices.deviceGroupId),
      resolve: (group) => group.id,
    }),
  }),
});

/** Loads groups by id, keeping only those the viewer may see (null otherwise). */
export function deviceGroupLoader() {
  return async (ids: string[], ctx: { db: Database; viewer: Viewer | null }) => {
    const rows = await ctx.db.select().from(deviceGroups).where(inArray(deviceGroups.id, ids));
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => (canSeeGroup(ctx.viewer, id) ? (byId.get(id) ?? null) : null));
  };
}

function canSeeGroup(viewer: Viewer | null, id: string): boolean {
  return viewer?.role === 'admin' || (viewer?.deviceGroupIds.has(id) ?? false);
}

function visibleGroupsCondition(viewer: Viewer | null): SQL | undefined {
  if (viewer?.role === 'admin') return undefined;
  const ids = [...(viewer?.deviceGroupIds ?? [])];
  return ids.length > 0 ? inArray(deviceGroups.id, ids) : sql`false`;
}

builder.objectField(DeviceType, 'deviceGroup', (t) =>
  t.loadable({
    type: DeviceGroupType,
    nullable: true,
    load: deviceGroupLoader(),
    resolve: (device: DeviceRow) => device.deviceGroupId,
  }),
);

builder.queryField('deviceGroups', (t) =>
  t.connection({
    type: DeviceGroupType,
    description: 'Device groups by name; non-admins see only the groups they are granted.',
    args: { search: t.arg.string({ required: false, description: 'Part of the name, case-insensitive.' }) },
    resolve: (_root, args, ctx) =>
      alphabeticalConnection(
        args,
        { key: deviceGroups.name, id: deviceGroups.id },
        (page) =>
          ctx.db
            .select()
            .from(deviceGroups)
            .where(
              and(
                visibleGroupsCondition(ctx.viewer),
                args.search ? ilike(deviceGroups.name, containsPattern(args.search)) : undefined,
                page.where,
              ),
            )
            .orderBy(...page.orderBy)
            .limit(page.limit),
        (row) => row.name,
      ),
  }),
);

builder.queryField('deviceGroup', (t) =>
  t.field({
    type: DeviceGroupType,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      if (!isUuid(id) || !canSeeGroup(ctx.viewer, id)) return null;
      const [group] = await ctx.db.select().from(deviceGroups).where(eq(deviceGroups.id, id));
      return group ?? null;
    },
  }),
);

function deviceGroupSuccess(name: string) {
  return builder.objectRef<{ deviceGroup: DeviceGroupRow }>(name).implement({
    fields: (t) => ({ deviceGroup: t.field({ type: DeviceGroupType, resolve: (result) => result.deviceGroup }) }),
  });
}

const CreateDeviceGroupInput = builder.inputType('CreateDeviceGroupInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string({ required: false }),
  }),
});

builder.mutationField('createDeviceGroup', (t) =>
  t.field({
    authScopes: { admin: true },
    type: resultUnion('CreateDeviceGroupResult', deviceGroupSuccess('CreateDeviceGroupSuccess')),
    args: { input: t.arg({ type: CreateDeviceGroupInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ deviceGroup: DeviceGroupRow } | Failure> => {
      const failure = firstFailure(checkName('name', input.name), checkDescription(input.description));
      if (failure) return failure;
      const name = input.name.trim();
      if (await nameTaken(ctx.db, name)) return new ValidationFailure('name', `a device group named "${name}" exists`);
      const [deviceGroup] = await ctx.db
        .insert(deviceGroups)
        .values({ name, description: input.description?.trim() ?? '' })
        .returning();
      return { deviceGroup: deviceGroup! };
    },
  }),
);

const UpdateDeviceGroupInput = builder.inputType('UpdateDeviceGroupInput', {
  description: 'Fields left out stay as they are.',
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ required: false }),
    description: t.string({ required: false }),
  }),
});

builder.mutationField('updateDeviceGroup', (t) =>
  t.field({
    authScopes: { admin: true },
    type: resultUnion('UpdateDeviceGroupResult', deviceGroupSuccess('UpdateDeviceGroupSuccess')),
    args: { input: t.arg({ type: UpdateDeviceGroupInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ deviceGroup: DeviceGroupRow } | Failure> => {
      const existing = await findGroup(ctx.db, input.id);
      if (!existing) return new NotFound(`device group ${input.id} does not exist`);
      const failure = firstFailure(
        input.name == null ? null : checkName('name', input.name),
        checkDescription(input.description),
      );
      if (failure) return failure;
      const name = input.name?.trim() ?? existing.name;
      if (await nameTaken(ctx.db, name, existing.id))
        return new ValidationFailure('name', `a device group named "${name}" exists`);
      const [deviceGroup] = await ctx.db
        .update(deviceGroups)
        .set({ name, description: input.description?.trim() ?? existing.description })
        .where(eq(deviceGroups.id, existing.id))
        .returning();
      return { deviceGroup: deviceGroup! };
    },
  }),
);

const DeleteDeviceGroupInput = builder.inputType('DeleteDeviceGroupInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

builder.mutationField('deleteDeviceGroup', (t) =>
  t.field({
    authScopes: { admin: true },
    description: 'Refused with InUseError while devices are in the group (move or delete them first).',
    type: resultUnion('DeleteDeviceGroupResult', deleteSuccess('DeleteDeviceGroupSuccess'), [[InUse, InUseErrorType]]),
    args: { input: t.arg({ type: DeleteDeviceGroupInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ deletedId: string } | Failure | InUse> => {
      const existing = await findGroup(ctx.db, input.id);
      if (!existing) return new NotFound(`device group ${input.id} does not exist`);
      const used = await countDevicesUsing(ctx.db, devices.deviceGroupId, existing.id);
      if (used > 0) return new InUse(`${used} device(s) are still in "${existing.name}"`, used);
      // Grants on the group go with it (ON DELETE CASCADE).
      await ctx.db.delete(deviceGroups).where(eq(deviceGroups.id, existing.id));
      return { deletedId: existing.id };
    },
  }),
);

async function findGroup(db: Database, id: string): Promise<DeviceGroupRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [group] = await db.select().from(deviceGroups).where(eq(deviceGroups.id, id));
  return group;
}

async function nameTaken(db: Database, name: string, exceptId?: string): Promise<boolean> {
  const [row] = await db
    .select({ id: deviceGroups.id })
    .from(deviceGroups)
    .where(and(eq(deviceGroups.name, name), exceptId ? ne(deviceGroups.id, exceptId) : undefined));
  return row !== undefined;
}

function checkDescription(description: string | null | undefined): ValidationFailure | null {
  if (description != null && description.length > 2000)
    return new ValidationFailure('description', 'description must be at most 2000 characters');
  return null;
}
