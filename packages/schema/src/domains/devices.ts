import { findPluginSummary } from '@devicevault/plugins/catalog';
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import { alphabeticalConnection } from '../alphabetical-pagination.js';
import { builder } from '../builder.js';
import type { Database } from '../db/database.js';
import {
  type BackupRow,
  type backups,
  collectionGroups,
  credentials,
  type DeviceRow,
  deviceGroups,
  devices,
  type JobRow,
  type jobs,
  zones,
} from '../db/tables.js';
import { isUuid, NotFound, ValidationFailure } from '../errors.js';
import { type KeysetPage, newestFirstConnection } from '../pagination.js';
import { canOperateGroup, canReadDevice, canUseCredential, forbidden } from '../policy.js';
import { type Failure, resultUnion } from '../results.js';
import { checkHost, checkName, checkPort, firstFailure } from '../validation.js';
import { CredentialType } from './credentials.js';
import { DeviceFilter, deviceFilterCondition } from './device-filter.js';

export const DeviceType = builder.objectRef<DeviceRow>('Device');

DeviceType.implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    host: t.exposeString('host'),
    port: t.exposeInt('port'),
    pluginKey: t.exposeString('pluginKey'),
    enabled: t.exposeBoolean('enabled'),
    scrubSecrets: t.exposeBoolean('scrubSecrets'),
    hostKeyFingerprint: t.exposeString('hostKeyFingerprint', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    credential: t.loadable({
      type: CredentialType,
      nullable: true,
      load: async (ids: string[], ctx) => {
        const rows = await ctx.db.select().from(credentials).where(inArray(credentials.id, ids));
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      resolve: (device) => device.credentialId,
    }),
  }),
});

/** The newest row per device, one query per batch: DISTINCT ON uses the (device_id, created_at desc) index. */
export function loadLatestPerDevice<T extends BackupRow | JobRow>(table: typeof backups | typeof jobs) {
  return async (deviceIds: string[], ctx: { db: Database }) => {
    const rows = (await ctx.db
      .selectDistinctOn([table.deviceId])
      .from(table)
      .where(inArray(table.deviceId, deviceIds))
      .orderBy(table.deviceId, sql`${table.createdAt} desc nulls last`)) as T[];
    const byDevice = new Map(rows.map((row) => [row.deviceId, row]));
    return deviceIds.map((id) => byDevice.get(id) ?? null);
  };
}

const DeviceOrder = builder.enumType('DeviceOrder', {
  values: {
    CREATED_AT: { description: 'Newest first.' },
    NAME: { description: 'By name, A to Z.' },
  } as const,
});

builder.queryField('devices', (t) =>
  t.connection(
    {
      type: DeviceType,
      description: 'The devices the viewer may read, newest first unless `orderBy: NAME`.',
      args: {
        filter: t.arg({ type: DeviceFilter, required: false }),
        orderBy: t.arg({ type: DeviceOrder, required: false, defaultValue: 'CREATED_AT' }),
      },
      resolve: async (_root, args, ctx) => {
        const where = deviceFilterCondition(ctx.viewer, args.filter, new Date());
        const fetch = (page: KeysetPage) =>
          ctx.db
            .select()
            .from(devices)
            .where(and(where, page.where))
            .orderBy(...page.orderBy)
            .limit(page.limit);
        const connection = await (args.orderBy === 'NAME'
          ? alphabeticalConnection(args, { key: devices.name, id: devices.id }, fetch, (row) => row.name)
          : newestFirstConnection(args, devices, fetch));
        // Counted only when asked for: one count(*) over the same condition.
        const countMatching = async () => {
          const [row] = await ctx.db.select({ n: count() }).from(devices).where(where);
          return row?.n ?? 0;
        };
        return { ...connection, countMatching };
      },
    },
    {
      fields: (connection) => ({
        totalCount: connection.int({
          description:
            'How many devices match the filter across all pages (what a bulk action given the same filter acts on).',
          resolve: (parent) => parent.countMatching(),
        }),
      }),
    },
  ),
);

builder.queryField('device', (t) =>
  t.field({
    type: DeviceType,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      if (!isUuid(id)) return null;
      const [device] = await ctx.db.select().from(devices).where(eq(devices.id, id));
      // Devices outside the viewer's groups look exactly like missing ones.
      return device && canReadDevice(ctx.viewer, device) ? device : null;
    },
  }),
);

const CreateDeviceInput = builder.inputType('CreateDeviceInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    host: t.string({ required: true }),
    port: t.int({ required: false, description: 'Defaults to 22 (SSH) or 69 for tftp_file.' }),
    pluginKey: t.string({ required: true }),
    credentialId: t.id({ required: false }),
    deviceGroupId: t.id({ required: false, description: 'Required for operators: one of their device groups.' }),
    collectionGroupId: t.id({ required: false }),
    zoneId: t.id({ required: false, description: 'Collected by that zone’s remote collectors; null: by the server.' }),
    options: t.field({ type: 'JSONObject', required: false, description: 'Plugin options, e.g. { "path": "…" }.' }),
    scrubSecrets: t.boolean({ required: false }),
    enabled: t.boolean({ required: false }),
  }),
});

const CreateDeviceSuccess = builder.objectRef<{ device: DeviceRow }>('CreateDeviceSuccess').implement({
  fields: (t) => ({ device: t.field({ type: DeviceType, resolve: (result) => result.device }) }),
});

builder.mutationField('createDevice', (t) =>
  t.field({
    type: resultUnion('CreateDeviceResult', CreateDeviceSuccess),
    args: { input: t.arg({ type: CreateDeviceInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ device: DeviceRow } | Failure> => {
      const plugin = findPluginSummary(input.pluginKey);
      const port = input.port ?? (plugin?.transport === 'tftp' ? 69 : 22);
      const options = normalizeOptions(input.options);
      const failure = firstFailure(
        checkName('name', input.name),
        checkHost('host', input.host),
        checkPort('port', port),
        plugin ? null : new ValidationFailure('pluginKey', `unknown plugin key "${input.pluginKey}"`),
        options ? null : new ValidationFailure('options', 'options must be an object of string values'),
        missingOption(plugin, options ?? {}),
        plugin && plugin.transport !== 'none' && !input.credentialId
          ? new ValidationFailure('credentialId', `plugin "${plugin.key}" needs a credential`)
          : null,
        input.credentialId && !isUuid(input.credentialId)
          ? new ValidationFailure('credentialId', 'credentialId is not a valid id')
          : null,
      );
      if (failure) return failure;
      if (!canOperateGroup(ctx.viewer, input.deviceGroupId ?? null)) {
        throw forbidden('You may only create devices in device groups you operate.');
      }
      const name = input.name.trim();
      const missing = await missingReference(ctx.db, input.deviceGroupId, input.collectionGroupId, input.zoneId);
      if (missing) return missing;
      if (input.credentialId) {
        const [credential] = await ctx.db
          .select({ id: credentials.id, deviceGroupId: credentials.deviceGroupId })
          .from(credentials)
          .where(eq(credentials.id, input.credentialId));
        if (!credential) return new NotFound(`credential ${input.credentialId} does not exist`);
        if (!canUseCredential(ctx.viewer, credential)) {
          throw forbidden('This credential is not scoped to a device group you operate; ask an administrator.');
        }
      }
      const [duplicate] = await ctx.db.select({ id: devices.id }).from(devices).where(eq(devices.name, name));
      if (duplicate) return new ValidationFailure('name', `a device named "${name}" already exists`);
      const [device] = await ctx.db
        .insert(devices)
        .values({
          name,
          host: input.host.trim(),
          port,
          pluginKey: input.pluginKey,
          pluginOptions: options ?? {},
          credentialId: input.credentialId ?? null,
          deviceGroupId: input.deviceGroupId ?? null,
          collectionGroupId: input.collectionGroupId ?? null,
          zoneId: input.zoneId ?? null,
          scrubSecrets: input.scrubSecrets ?? false,
          enabled: input.enabled ?? true,
        })
        .returning();
      return { device: device! };
    },
  }),
);

export async function missingReference(
  db: Database,
  deviceGroupId?: string | null,
  collectionGroupId?: string | null,
  zoneId?: string | null,
) {
  if (zoneId) {
    const [found] = isUuid(zoneId) ? await db.select({ id: zones.id }).from(zones).where(eq(zones.id, zoneId)) : [];
    if (!found) return new NotFound(`zone ${zoneId} does not exist`);
  }
  if (deviceGroupId) {
    const [found] = isUuid(deviceGroupId)
      ? await db.select({ id: deviceGroups.id }).from(deviceGroups).where(eq(deviceGroups.id, deviceGroupId))
      : [];
    if (!found) return new NotFound(`device group ${deviceGroupId} does not exist`);
  }
  if (collectionGroupId) {
    const [found] = isUuid(collectionGroupId)
      ? await db
          .select({ id: collectionGroups.id })
          .from(collectionGroups)
          .where(eq(collectionGroups.id, collectionGroupId))
      : [];
    if (!found) return new NotFound(`collection group ${collectionGroupId} does not exist`);
  }
  return null;
}

export function normalizeOptions(value: unknown): Record<string, string> | null {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return null;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.some(([, v]) => typeof v !== 'string')) return null;
  return Object.fromEntries(entries) as Record<string, string>;
}

export function missingOption(
  plugin: ReturnType<typeof findPluginSummary>,
  options: Record<string, string>,
): ValidationFailure | null {
  const missing = plugin?.options.find((option) => option.required && !options[option.key]);
  return missing ? new ValidationFailure('options', `plugin "${plugin!.key}" needs option "${missing.key}"`) : null;
}
