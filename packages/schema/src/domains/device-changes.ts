/**
 * `devicesChanged`: devices created, changed or removed by anyone, in any process, so a devices list stays
 * current without reloading (issue 15 item 2). Every statement that writes devices notifies at commit
 * (drizzle/0013's triggers); a caller hears of statements that touched a group they may read, and sees the
 * ids only when every device the statement touched is theirs to see.
 */
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { canReadDevice, type Viewer } from '../policy.js';
import type { DevicesChange } from '../pubsub.js';

const DeviceChangeKindEnum = builder.enumType('DeviceChangeKind', {
  values: {
    CREATED: { value: 'INSERT' },
    UPDATED: { value: 'UPDATE' },
    DELETED: { value: 'DELETE' },
  } as const,
});

const DevicesChangedType = builder.objectRef<DevicesChange>('DevicesChanged').implement({
  description: 'One write to devices (an import or a bulk change is one).',
  fields: (t) => ({
    kind: t.field({ type: DeviceChangeKindEnum, resolve: (change) => change.change }),
    count: t.int({
      nullable: true,
      description: 'How many devices it touched; null when it touched devices you may not see.',
      resolve: (change) => change.count,
    }),
    deviceIds: t.idList({
      nullable: true,
      description: 'The devices it touched; null when they were many (over 50) or include some you may not see.',
      resolve: (change) => change.deviceIds,
    }),
    at: t.field({ type: 'DateTime', resolve: (change) => new Date(change.at) }),
  }),
});

/** What this caller may know of a change, or null when it touched none of their groups. */
function viewFor(viewer: Viewer, change: DevicesChange): DevicesChange | null {
  if (viewer.role === 'admin') return change;
  const hidden = { ...change, count: null, deviceIds: null };
  // Too many groups to list: nothing says which, so everyone hears that devices changed, without details.
  if (change.deviceGroupIds === null) return hidden;
  const readable = change.deviceGroupIds.filter((group) => canReadDevice(viewer, { deviceGroupId: group }));
  if (readable.length === 0) return null;
  return readable.length === change.deviceGroupIds.length ? change : hidden;
}

async function* readableChanges(ctx: Context): AsyncGenerator<DevicesChange> {
  const iterator = ctx.pubsub.subscribe('devicesChanged')[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const viewer = await ctx.currentViewer();
      if (!viewer) return;
      const view = viewFor(viewer, next.value);
      if (view) yield view;
    }
  } finally {
    await iterator.return?.();
  }
}

builder.subscriptionField('devicesChanged', (t) =>
  t.field({
    type: DevicesChangedType,
    description: 'Devices created, changed or removed by anyone, for devices in your groups.',
    subscribe: (_root, _args, ctx) => readableChanges(ctx),
    resolve: (change) => change,
  }),
);
