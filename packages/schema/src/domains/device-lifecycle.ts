/**
 * A device's lifecycle: archive (no longer collected or listed by default, history kept, restorable with
 * unarchiveDevice) versus delete (admins only, audited, the whole history removed with its stored bytes).
 * Renaming or moving a device never splits its history: versions and git files are keyed by the device id.
 */
import { eq } from 'drizzle-orm';
import { builder } from '../builder.js';
import { type DeviceRow, devices } from '../db/tables.js';
import { isUuid, NotFound, ValidationFailure } from '../errors.js';
import { deleteSuccess, type Failure, resultUnion } from '../results.js';
import { deviceSuccess, failQueuedJobs, operableDevice } from './device-mutations.js';
import { DeviceType } from './devices.js';

builder.objectField(DeviceType, 'archivedAt', (t) =>
  t.expose('archivedAt', {
    type: 'DateTime',
    nullable: true,
    description: 'Set while archived: not collected, listed only with `filter: { archived: true }`.',
  }),
);

const DeviceIdInput = (name: string) => builder.inputType(name, { fields: (t) => ({ id: t.id({ required: true }) }) });

const ArchiveDeviceInput = DeviceIdInput('ArchiveDeviceInput');
const UnarchiveDeviceInput = DeviceIdInput('UnarchiveDeviceInput');

builder.mutationField('archiveDevice', (t) =>
  t.field({
    description: 'Stops collecting the device and hides it from default listings; its history stays.',
    type: resultUnion('ArchiveDeviceResult', deviceSuccess('ArchiveDeviceSuccess')),
    args: { input: t.arg({ type: ArchiveDeviceInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ device: DeviceRow } | Failure> => {
      const existing = await operableDevice(ctx, input.id);
      if (existing instanceof NotFound) return existing;
      if (existing.archivedAt) return new ValidationFailure('id', 'this device is already archived');
      const [device] = await ctx.db
        .update(devices)
        .set({ archivedAt: new Date(), updatedAt: new Date() })
        .where(eq(devices.id, existing.id))
        .returning();
      await failQueuedJobs(ctx, existing.id, 'The device was archived before this job ran');
      return { device: device! };
    },
  }),
);

builder.mutationField('unarchiveDevice', (t) =>
  t.field({
    description: 'Restores an archived device: collected and listed again, its history continued.',
    type: resultUnion('UnarchiveDeviceResult', deviceSuccess('UnarchiveDeviceSuccess')),
    args: { input: t.arg({ type: UnarchiveDeviceInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ device: DeviceRow } | Failure> => {
      const existing = await operableDevice(ctx, input.id);
      if (existing instanceof NotFound) return existing;
      if (!existing.archivedAt) return new ValidationFailure('id', 'this device is not archived');
      const [device] = await ctx.db
        .update(devices)
        .set({ archivedAt: null, updatedAt: new Date() })
        .where(eq(devices.id, existing.id))
        .returning();
      return { device: device! };
    },
  }),
);

const DeleteDeviceInput = DeviceIdInput('DeleteDeviceInput');

builder.mutationField('deleteDevice', (t) =>
  t.field({
    authScopes: { admin: true },
    description:
      'Admins only: deletes the device with its jobs, versions, events and the stored bytes no other device ' +
      'shares. To stop collecting a device but keep its history, archive it instead.',
    type: resultUnion('DeleteDeviceResult', deleteSuccess('DeleteDeviceSuccess')),
    args: { input: t.arg({ type: DeleteDeviceInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ deletedId: string } | Failure> => {
      const [existing] = isUuid(input.id) ? await ctx.db.select().from(devices).where(eq(devices.id, input.id)) : [];
      if (!existing) return new NotFound(`device ${input.id} does not exist`);
      await ctx.deviceHistory.deleteDevice(existing.id);
      return { deletedId: existing.id };
    },
  }),
);
