/**
 * Storage locations (a content-addressed directory or a git repository) and which one a device or device
 * group writes to. Only admins see and change them: paths are server filesystem paths. Existing versions
 * keep the location they were written to; a change applies to new versions only.
 */
import { eq, ne } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { Database } from '../db/database.js';
import {
  type DeviceRow,
  deviceGroups,
  devices,
  retentionPolicies,
  type StorageLocationRow,
  storageLocations,
} from '../db/tables.js';
import { isUuid, NotFound, ValidationFailure } from '../errors.js';
import { type Failure, resultUnion } from '../results.js';
import { checkName, firstFailure } from '../validation.js';
import { DeviceType } from './devices.js';
import { RetentionPolicyType } from './retention.js';

export const StorageKindEnum = builder.enumType('StorageKind', {
  values: {
    FS: { value: 'fs', description: 'Content-addressed files (sha256, sharded), text and binary alike.' },
    GIT: { value: 'git', description: 'A git repository: one file per device, one commit per change.' },
  } as const,
});

export const StorageLocationType = builder.objectRef<StorageLocationRow>('StorageLocation').implement({
  description: 'Where versions are written. Paths are absolute or relative to the data dir.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    kind: t.field({ type: StorageKindEnum, resolve: (row) => row.kind }),
    path: t.exposeString('path'),
    isDefault: t.exposeBoolean('isDefault', {
      description: 'Used by devices whose device and group name no location (else the built-in `blobs` store).',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('storageLocations', (t) =>
  t.field({
    type: [StorageLocationType],
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => ctx.db.select().from(storageLocations).orderBy(storageLocations.name),
  }),
);

const CreateStorageLocationInput = builder.inputType('CreateStorageLocationInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    kind: t.field({ type: StorageKindEnum, required: true }),
    path: t.string({ required: true, description: 'Absolute, or relative to the data dir.' }),
    isDefault: t.boolean({ required: false }),
  }),
});

const CreateStorageLocationSuccess = builder
  .objectRef<{ storageLocation: StorageLocationRow }>('CreateStorageLocationSuccess')
  .implement({
    fields: (t) => ({ storageLocation: t.field({ type: StorageLocationType, resolve: (r) => r.storageLocation }) }),
  });

export async function createStorageLocation(
  db: Database,
  input: { name: string; kind: 'fs' | 'git'; path: string; isDefault: boolean },
): Promise<{ storageLocation: StorageLocationRow } | Failure> {
  const path = input.path.trim();
  const failure = firstFailure(
    checkName('name', input.name),
    path.length === 0 ? new ValidationFailure('path', 'path must not be empty') : null,
    path.includes('\0') ? new ValidationFailure('path', 'path must not contain NUL') : null,
  );
  if (failure) return failure;
  const name = input.name.trim();
  const [duplicate] = await db.select().from(storageLocations).where(eq(storageLocations.name, name));
  if (duplicate) return new ValidationFailure('name', `a storage location named "${name}" already exists`);
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(storageLocations)
      .values({ name, kind: input.kind, path, isDefault: input.isDefault })
      .returning();
    if (input.isDefault)
      await tx.update(storageLocations).set({ isDefault: false }).where(ne(storageLocations.id, created!.id));
    return created!;
  });
  return { storageLocation: row };
}

builder.mutationField('createStorageLocation', (t) =>
  t.field({
    type: resultUnion('CreateStorageLocationResult', CreateStorageLocationSuccess),
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateStorageLocationInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      createStorageLocation(ctx.db, {
        name: input.name,
        kind: input.kind,
        path: input.path,
        isDefault: input.isDefault ?? false,
      }),
  }),
);

const SetStoragePolicyInput = builder.inputType('SetStoragePolicyInput', {
  description: 'Exactly one of deviceId or deviceGroupId. Null ids clear the setting (inherit instead).',
  fields: (t) => ({
    deviceId: t.id({ required: false }),
    deviceGroupId: t.id({ required: false }),
    storageLocationId: t.id({ required: false }),
    retentionPolicyId: t.id({ required: false }),
  }),
});

const SetStoragePolicySuccess = builder
  .objectRef<{ deviceId: string | null; deviceGroupId: string | null }>('SetStoragePolicySuccess')
  .implement({
    fields: (t) => ({
      deviceId: t.exposeID('deviceId', { nullable: true }),
      deviceGroupId: t.exposeID('deviceGroupId', { nullable: true }),
    }),
  });

export async function setStoragePolicy(
  db: Database,
  input: {
    deviceId?: string | null;
    deviceGroupId?: string | null;
    storageLocationId?: string | null;
    retentionPolicyId?: string | null;
  },
): Promise<{ deviceId: string | null; deviceGroupId: string | null } | Failure> {
  if (Boolean(input.deviceId) === Boolean(input.deviceGroupId))
    return new ValidationFailure('deviceId', 'give exactly one of deviceId or deviceGroupId');
  for (const field of ['deviceId', 'deviceGroupId', 'storageLocationId', 'retentionPolicyId'] as const) {
    const value = input[field];
    if (value && !isUuid(value)) return new ValidationFailure(field, `${field} is not a valid id`);
  }
  if (input.storageLocationId) {
    const [row] = await db.select().from(storageLocations).where(eq(storageLocations.id, input.storageLocationId));
    if (!row) return new NotFound(`storage location ${input.storageLocationId} does not exist`);
  }
  if (input.retentionPolicyId) {
    const [row] = await db.select().from(retentionPolicies).where(eq(retentionPolicies.id, input.retentionPolicyId));
    if (!row) return new NotFound(`retention policy ${input.retentionPolicyId} does not exist`);
  }
  const patch = {
    ...(input.storageLocationId !== undefined ? { storageLocationId: input.storageLocationId } : {}),
    ...(input.retentionPolicyId !== undefined ? { retentionPolicyId: input.retentionPolicyId } : {}),
  };
  if (input.deviceId) {
    const updated = await db.update(devices).set(patch).where(eq(devices.id, input.deviceId)).returning();
    if (updated.length === 0) return new NotFound(`device ${input.deviceId} does not exist`);
    return { deviceId: input.deviceId, deviceGroupId: null };
  }
  const updated = await db.update(deviceGroups).set(patch).where(eq(deviceGroups.id, input.deviceGroupId!)).returning();
  if (updated.length === 0) return new NotFound(`device group ${input.deviceGroupId} does not exist`);
  return { deviceId: null, deviceGroupId: input.deviceGroupId! };
}

builder.mutationField('setStoragePolicy', (t) =>
  t.field({
    type: resultUnion('SetStoragePolicyResult', SetStoragePolicySuccess),
    description: 'Chooses the storage location and/or retention policy of a device or a device group.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: SetStoragePolicyInput, required: true }) },
    resolve: (_root, { input }, ctx) => setStoragePolicy(ctx.db, input),
  }),
);

builder.objectField(DeviceType, 'storageLocation', (t) =>
  t.field({
    type: StorageLocationType,
    nullable: true,
    description: "The device's own location setting (null: its group's, else the default).",
    authScopes: { admin: true },
    resolve: async (device: DeviceRow, _args, ctx) => {
      if (!device.storageLocationId) return null;
      const [row] = await ctx.db
        .select()
        .from(storageLocations)
        .where(eq(storageLocations.id, device.storageLocationId));
      return row ?? null;
    },
  }),
);

builder.objectField(DeviceType, 'retentionPolicy', (t) =>
  t.field({
    type: RetentionPolicyType,
    nullable: true,
    description: "The device's own retention policy (null: its group's, else the default, else keep all).",
    resolve: async (device: DeviceRow, _args, ctx) => {
      if (!device.retentionPolicyId) return null;
      const [row] = await ctx.db
        .select()
        .from(retentionPolicies)
        .where(eq(retentionPolicies.id, device.retentionPolicyId));
      return row ?? null;
    },
  }),
);
