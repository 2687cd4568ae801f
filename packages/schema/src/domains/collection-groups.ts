/**
 * Collection groups: when and how their devices are collected (a cron schedule in croner syntax, or none for
 * manual-only, and a per-job timeout). Everyone signed in may read them; admins change them.
 */
import { and, eq, ilike, ne } from 'drizzle-orm';
import { alphabeticalConnection, containsPattern } from '../alphabetical-pagination.js';
import { builder } from '../builder.js';
import type { Database } from '../db/database.js';
import { type CollectionGroupRow, collectionGroups, type DeviceRow, devices } from '../db/tables.js';
import { countDevicesUsing, deviceCountLoader } from '../device-counts.js';
import { InUse, InUseErrorType, isUuid, NotFound, ValidationFailure } from '../errors.js';
import { deleteSuccess, type Failure, resultUnion } from '../results.js';
import { nextSlot } from '../schedule.js';
import { checkName, firstFailure } from '../validation.js';
import { backupWindowText, scheduleSettings } from './collection-group-settings.js';
import { DeviceType } from './devices.js';

const maxTimeoutSeconds = 24 * 60 * 60;

type SchemaTypesOf = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

export const CollectionGroupType = builder.objectRef<CollectionGroupRow>('CollectionGroup').implement({
  description: 'When and how a set of devices is collected.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    schedule: t.exposeString('schedule', {
      nullable: true,
      description:
        'A cron expression (5 or 6 fields, croner syntax, read in `timeZone`) or a plain interval ("every 6 h"); ' +
        'null means manual only.',
    }),
    timeZone: t.exposeString('timeZone', { description: 'IANA time zone of the schedule and backup window.' }),
    spreadSeconds: t.exposeInt('spreadSeconds', {
      description: 'Devices start within this many seconds after a slot, each at a stable offset.',
    }),
    backupWindow: t.string({
      nullable: true,
      description: 'Runs start only inside this local window ("22:00-06:00"); outside it jobs wait.',
      resolve: (group) => backupWindowText(group),
    }),
    catchUpSeconds: t.exposeInt('catchUpSeconds', {
      description: 'A slot missed while every process was down runs once at start if at most this old.',
    }),
    maxAttempts: t.exposeInt('maxAttempts', { description: 'Attempts per job; transient failures are retried.' }),
    maxConcurrent: t.exposeInt('maxConcurrent', {
      nullable: true,
      description: 'Jobs of this group running at once across every process; null is unlimited.',
    }),
    freshnessSeconds: t.exposeInt('freshnessSeconds', {
      nullable: true,
      description: 'Devices without a success for this long are STALE; null: twice the schedule period, else 25 h.',
    }),
    timeoutSeconds: t.exposeInt('timeoutSeconds'),
    maxShrinkPercent: t.exposeInt('maxShrinkPercent', {
      nullable: true,
      description:
        'A text version more than this many percent smaller than the previous one fails as suspect_output; null: the server default (DEVICEVAULT_SUSPECT_SHRINK_PERCENT, 50); 100: never.',
    }),
    nextRunAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (group) => nextSlot(group, new Date()),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    deviceCount: t.loadable({
      type: 'Int',
      load: deviceCountLoader(devices.collectionGroupId),
      resolve: (group) => group.id,
    }),
  }),
});

builder.objectField(DeviceType, 'collectionGroup', (t) =>
  t.loadable({
    type: CollectionGroupType,
    nullable: true,
    load: async (ids: string[], ctx) => {
      const rows = await Promise.all(ids.map((id) => findGroup(ctx.db, id)));
      return rows.map((row) => row ?? null);
    },
    resolve: (device: DeviceRow) => device.collectionGroupId,
  }),
);

builder.queryField('collectionGroups', (t) =>
  t.connection({
    type: CollectionGroupType,
    description: 'Collection groups by name.',
    args: { search: t.arg.string({ required: false, description: 'Part of the name, case-insensitive.' }) },
    resolve: (_root, args, ctx) =>
      alphabeticalConnection(
        args,
        { key: collectionGroups.name, id: collectionGroups.id },
        (page) =>
          ctx.db
            .select()
            .from(collectionGroups)
            .where(
              and(args.search ? ilike(collectionGroups.name, containsPattern(args.search)) : undefined, page.where),
            )
            .orderBy(...page.orderBy)
            .limit(page.limit),
        (row) => row.name,
      ),
  }),
);

builder.queryField('collectionGroup', (t) =>
  t.field({
    type: CollectionGroupType,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => (await findGroup(ctx.db, id)) ?? null,
  }),
);

/** The schedule and run settings both inputs take (collection-group-settings.ts validates them). */
function settingsFields(t: PothosSchemaTypes.InputFieldBuilder<SchemaTypesOf, 'InputObject'>) {
  return {
    timeZone: t.string({ required: false, description: 'IANA time zone, e.g. "Europe/Berlin"; defaults to UTC.' }),
    spreadSeconds: t.int({ required: false }),
    backupWindow: t.string({ required: false, description: '"22:00-06:00" local time; null or empty: always.' }),
    catchUpSeconds: t.int({ required: false }),
    maxAttempts: t.int({ required: false, description: '1 to 10; defaults to 3.' }),
    maxConcurrent: t.int({ required: false, description: 'null: unlimited.' }),
    freshnessSeconds: t.int({ required: false }),
  };
}

function collectionGroupSuccess(name: string) {
  return builder.objectRef<{ collectionGroup: CollectionGroupRow }>(name).implement({
    fields: (t) => ({
      collectionGroup: t.field({ type: CollectionGroupType, resolve: (result) => result.collectionGroup }),
    }),
  });
}

const CreateCollectionGroupInput = builder.inputType('CreateCollectionGroupInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    schedule: t.string({
      required: false,
      description: 'Cron expression or "every N s|m|h|d"; null or empty for manual only.',
    }),
    timeoutSeconds: t.int({ required: false, description: `1 to ${maxTimeoutSeconds}; defaults to 120.` }),
    maxShrinkPercent: t.int({ required: false, description: '1 to 100; null for the server default.' }),
    ...settingsFields(t),
  }),
});

builder.mutationField('createCollectionGroup', (t) =>
  t.field({
    authScopes: { admin: true },
    type: resultUnion('CreateCollectionGroupResult', collectionGroupSuccess('CreateCollectionGroupSuccess')),
    args: { input: t.arg({ type: CreateCollectionGroupInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ collectionGroup: CollectionGroupRow } | Failure> => {
      const settings = scheduleSettings(input);
      if (settings instanceof ValidationFailure) return settings;
      const failure = firstFailure(
        checkName('name', input.name),
        checkTimeout(input.timeoutSeconds),
        checkShrink(input.maxShrinkPercent),
      );
      if (failure) return failure;
      const name = input.name.trim();
      if (await nameTaken(ctx.db, name))
        return new ValidationFailure('name', `a collection group named "${name}" exists`);
      const [collectionGroup] = await ctx.db
        .insert(collectionGroups)
        .values({
          name,
          ...settings,
          timeoutSeconds: input.timeoutSeconds ?? 120,
          maxShrinkPercent: input.maxShrinkPercent ?? null,
        })
        .returning();
      return { collectionGroup: collectionGroup! };
    },
  }),
);

const UpdateCollectionGroupInput = builder.inputType('UpdateCollectionGroupInput', {
  description: 'Fields left out stay as they are; `schedule: null` (or "") makes the group manual only.',
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ required: false }),
    schedule: t.string({ required: false }),
    timeoutSeconds: t.int({ required: false }),
    maxShrinkPercent: t.int({ required: false, description: 'null for the server default.' }),
    ...settingsFields(t),
  }),
});

builder.mutationField('updateCollectionGroup', (t) =>
  t.field({
    authScopes: { admin: true },
    type: resultUnion('UpdateCollectionGroupResult', collectionGroupSuccess('UpdateCollectionGroupSuccess')),
    args: { input: t.arg({ type: UpdateCollectionGroupInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ collectionGroup: CollectionGroupRow } | Failure> => {
      const existing = await findGroup(ctx.db, input.id);
      if (!existing) return new NotFound(`collection group ${input.id} does not exist`);
      const settings = scheduleSettings(input, existing);
      if (settings instanceof ValidationFailure) return settings;
      const failure = firstFailure(
        input.name == null ? null : checkName('name', input.name),
        checkTimeout(input.timeoutSeconds),
        checkShrink(input.maxShrinkPercent),
      );
      if (failure) return failure;
      const name = input.name?.trim() ?? existing.name;
      if (await nameTaken(ctx.db, name, existing.id))
        return new ValidationFailure('name', `a collection group named "${name}" exists`);
      const [collectionGroup] = await ctx.db
        .update(collectionGroups)
        .set({
          name,
          ...settings,
          timeoutSeconds: input.timeoutSeconds ?? existing.timeoutSeconds,
          maxShrinkPercent: input.maxShrinkPercent === undefined ? existing.maxShrinkPercent : input.maxShrinkPercent,
        })
        .where(eq(collectionGroups.id, existing.id))
        .returning();
      return { collectionGroup: collectionGroup! };
    },
  }),
);

const DeleteCollectionGroupInput = builder.inputType('DeleteCollectionGroupInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

builder.mutationField('deleteCollectionGroup', (t) =>
  t.field({
    authScopes: { admin: true },
    description: 'Refused with InUseError while devices are in the group.',
    type: resultUnion('DeleteCollectionGroupResult', deleteSuccess('DeleteCollectionGroupSuccess'), [
      [InUse, InUseErrorType],
    ]),
    args: { input: t.arg({ type: DeleteCollectionGroupInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ deletedId: string } | Failure | InUse> => {
      const existing = await findGroup(ctx.db, input.id);
      if (!existing) return new NotFound(`collection group ${input.id} does not exist`);
      const used = await countDevicesUsing(ctx.db, devices.collectionGroupId, existing.id);
      if (used > 0) return new InUse(`${used} device(s) are still in "${existing.name}"`, used);
      await ctx.db.delete(collectionGroups).where(eq(collectionGroups.id, existing.id));
      return { deletedId: existing.id };
    },
  }),
);

async function findGroup(db: Database, id: string): Promise<CollectionGroupRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [group] = await db.select().from(collectionGroups).where(eq(collectionGroups.id, id));
  return group;
}

async function nameTaken(db: Database, name: string, exceptId?: string): Promise<boolean> {
  const [row] = await db
    .select({ id: collectionGroups.id })
    .from(collectionGroups)
    .where(and(eq(collectionGroups.name, name), exceptId ? ne(collectionGroups.id, exceptId) : undefined));
  return row !== undefined;
}

function checkTimeout(timeoutSeconds: number | null | undefined): ValidationFailure | null {
  if (timeoutSeconds == null) return null;
  if (Number.isInteger(timeoutSeconds) && timeoutSeconds >= 1 && timeoutSeconds <= maxTimeoutSeconds) return null;
  return new ValidationFailure('timeoutSeconds', `timeoutSeconds must be from 1 to ${maxTimeoutSeconds}`);
}

function checkShrink(percent: number | null | undefined): ValidationFailure | null {
  if (percent == null || (Number.isInteger(percent) && percent >= 1 && percent <= 100)) return null;
  return new ValidationFailure('maxShrinkPercent', 'maxShrinkPercent must be from 1 to 100');
}
