/**
 * Zones and their remote collectors (`devicevault collector`). A device in a zone is collected only by a
 * collector of that zone; devices without one by the server's own pool. Everyone signed in may read zones;
 * admins create them, and create and revoke collectors (whose token is shown once, stored as a sha256).
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { alphabeticalConnection } from '../alphabetical-pagination.js';
import { builder } from '../builder.js';
import { type CollectorRow, collectors, type DeviceRow, devices, type ZoneRow, zones } from '../db/tables.js';
import { deviceCountLoader } from '../device-counts.js';
import { isUuid, NotFound, ValidationFailure } from '../errors.js';
import { newestFirstConnection } from '../pagination.js';
import { type Failure, resultUnion } from '../results.js';
import { checkName } from '../validation.js';
import { DeviceType } from './devices.js';

export const ZoneType = builder.objectRef<ZoneRow>('Zone').implement({
  description: 'A site whose devices only its remote collectors reach; devices without a zone use the server’s pool.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    deviceCount: t.loadable({ type: 'Int', load: deviceCountLoader(devices.zoneId), resolve: (zone) => zone.id }),
  }),
});

export const CollectorType = builder.objectRef<CollectorRow>('Collector').implement({
  description: 'A remote collector’s identity; the token itself is only ever shown by createCollector.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix', { description: 'The first characters of its token.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    lastSeenAt: t.expose('lastSeenAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Its last request to the server (updated at most once a minute).',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    active: t.boolean({ resolve: (row) => row.revokedAt === null }),
    zone: t.field({
      type: ZoneType,
      resolve: async (row, _args, ctx) => {
        const [zone] = await ctx.db.select().from(zones).where(eq(zones.id, row.zoneId));
        return zone!;
      },
    }),
  }),
});

builder.objectField(DeviceType, 'zone', (t) =>
  t.loadable({
    type: ZoneType,
    nullable: true,
    description: 'The zone whose remote collectors collect this device; null: the server itself.',
    load: async (ids: string[], ctx) => {
      const rows = await ctx.db.select().from(zones);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    resolve: (device: DeviceRow) => device.zoneId,
  }),
);

builder.queryField('zones', (t) =>
  t.connection({
    type: ZoneType,
    description: 'Zones by name.',
    resolve: (_root, args, ctx) =>
      alphabeticalConnection(
        args,
        { key: zones.name, id: zones.id },
        (page) =>
          ctx.db
            .select()
            .from(zones)
            .where(page.where)
            .orderBy(...page.orderBy)
            .limit(page.limit),
        (row) => row.name,
      ),
  }),
);

builder.queryField('collectors', (t) =>
  t.connection({
    authScopes: { admin: true },
    type: CollectorType,
    description: 'Remote collectors, newest first, revoked ones included.',
    resolve: (_root, args, ctx) =>
      newestFirstConnection(args, collectors, (page) =>
        ctx.db
          .select()
          .from(collectors)
          .where(page.where)
          .orderBy(...page.orderBy)
          .limit(page.limit),
      ),
  }),
);

const CreateZoneInput = builder.inputType('CreateZoneInput', {
  fields: (t) => ({ name: t.string({ required: true }) }),
});

const CreateZoneSuccess = builder.objectRef<{ zone: ZoneRow }>('CreateZoneSuccess').implement({
  fields: (t) => ({ zone: t.field({ type: ZoneType, resolve: (result) => result.zone }) }),
});

builder.mutationField('createZone', (t) =>
  t.field({
    authScopes: { admin: true },
    type: resultUnion('CreateZoneResult', CreateZoneSuccess),
    args: { input: t.arg({ type: CreateZoneInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ zone: ZoneRow } | Failure> => {
      const name = input.name.trim();
      const failure = checkName('name', name, 100);
      if (failure) return failure;
      const [duplicate] = await ctx.db.select({ id: zones.id }).from(zones).where(eq(zones.name, name));
      if (duplicate) return new ValidationFailure('name', `a zone named "${name}" already exists`);
      const [zone] = await ctx.db.insert(zones).values({ name }).returning();
      return { zone: zone! };
    },
  }),
);

const CreateCollectorInput = builder.inputType('CreateCollectorInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'Where it runs, e.g. "branch-berlin".' }),
    zoneId: t.id({ required: true }),
  }),
});

const CreateCollectorSuccess = builder
  .objectRef<{ token: string; collector: CollectorRow }>('CreateCollectorSuccess')
  .implement({
    fields: (t) => ({
      token: t.exposeString('token', {
        description: 'Pass as `devicevault collector --token <token>`. Shown this once.',
      }),
      collector: t.field({ type: CollectorType, resolve: (result) => result.collector }),
    }),
  });

builder.mutationField('createCollector', (t) =>
  t.field({
    authScopes: { admin: true },
    type: resultUnion('CreateCollectorResult', CreateCollectorSuccess),
    args: { input: t.arg({ type: CreateCollectorInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ token: string; collector: CollectorRow } | Failure> => {
      const name = input.name.trim();
      const failure = checkName('name', name, 100);
      if (failure) return failure;
      const [zone] = isUuid(input.zoneId) ? await ctx.db.select().from(zones).where(eq(zones.id, input.zoneId)) : [];
      if (!zone) return new NotFound(`zone ${input.zoneId} does not exist`);
      const [duplicate] = await ctx.db.select({ id: collectors.id }).from(collectors).where(eq(collectors.name, name));
      if (duplicate) return new ValidationFailure('name', `a collector named "${name}" already exists`);
      // Full entropy, so a sha256 is enough (as for API tokens: apps/server/src/auth/tokens.ts).
      const token = `dvc_${randomBytes(32).toString('base64url')}`;
      const tokenHash = createHash('sha256').update(token).digest('hex');
      const [collector] = await ctx.db
        .insert(collectors)
        .values({ name, zoneId: zone.id, tokenHash, prefix: token.slice(0, 10) })
        .returning();
      return { token, collector: collector! };
    },
  }),
);

const RevokeCollectorInput = builder.inputType('RevokeCollectorInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

const RevokeCollectorSuccess = builder.objectRef<{ collector: CollectorRow }>('RevokeCollectorSuccess').implement({
  fields: (t) => ({ collector: t.field({ type: CollectorType, resolve: (result) => result.collector }) }),
});

builder.mutationField('revokeCollector', (t) =>
  t.field({
    authScopes: { admin: true },
    description:
      'Revokes a collector’s token: its next request (a waiting claim too) is refused and it stops; the jobs it ' +
      'held are retried once their leases expire. Revoking twice is harmless.',
    type: resultUnion('RevokeCollectorResult', RevokeCollectorSuccess),
    args: { input: t.arg({ type: RevokeCollectorInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ collector: CollectorRow } | Failure> => {
      const [existing] = isUuid(input.id)
        ? await ctx.db.select().from(collectors).where(eq(collectors.id, input.id))
        : [];
      if (!existing) return new NotFound(`collector ${input.id} does not exist`);
      if (existing.revokedAt) return { collector: existing };
      const [collector] = await ctx.db
        .update(collectors)
        .set({ revokedAt: new Date() })
        .where(and(eq(collectors.id, existing.id), isNull(collectors.revokedAt)))
        .returning();
      ctx.pubsub.publish('collectorRevoked', { collectorId: existing.id });
      return { collector: collector ?? existing };
    },
  }),
);
