/**
 * Inventory sources (issue 14): NetBox, a generic HTTP JSON list or a CSV file/URL that devices are synced
 * from, each a row, admin-only. Tokens and headers are encrypted at rest and never returned (`hasSecret` says
 * one is set). `syncInventorySource(id, dryRun)` runs a sync now and returns its run (report); a source that
 * can't be read fails as InventorySyncFailedError with the reason and the run, changing nothing.
 */
import { desc, eq } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import {
  type InventorySourceKind,
  type InventorySourceRow,
  type InventorySyncRunRow,
  inventorySourceKinds,
  inventorySources,
  inventorySyncRuns,
} from '../db/tables.js';
import { ErrorInterface, NotFound, ValidationFailure } from '../errors.js';
import { requireAdmin } from '../policy.js';
import { deleteSuccess, type Failure, resultUnion } from '../results.js';
import { checkName, firstFailure } from '../validation.js';

const InventorySourceKindEnum = builder.enumType('InventorySourceKind', {
  values: Object.fromEntries(inventorySourceKinds.map((kind) => [kind.toUpperCase(), { value: kind }])) as Record<
    string,
    { value: InventorySourceKind }
  >,
});

export const InventorySyncRunType = builder.objectRef<InventorySyncRunRow>('InventorySyncRun').implement({
  description: 'One sync of one source: counts and the report (created, updated, archived, skipped with reasons).',
  fields: (t) => ({
    id: t.exposeID('id'),
    dryRun: t.exposeBoolean('dryRun'),
    status: t.exposeString('status', { description: 'succeeded or failed' }),
    error: t.exposeString('error', {
      nullable: true,
      description: 'Why the source could not be read (nothing changed).',
    }),
    created: t.exposeInt('created'),
    updated: t.exposeInt('updated'),
    archived: t.exposeInt('archived'),
    skipped: t.exposeInt('skipped'),
    report: t.field({
      type: 'JSONObject',
      description:
        '{ created: [name], updated: [{ name, changes }], archived: [name], skipped: [{ name, reason }], groupsCreated }',
      resolve: (run) => run.report,
    }),
    requestedBy: t.exposeString('requestedBy'),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    finishedAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const InventorySourceType = builder.objectRef<InventorySourceRow>('InventorySource').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    kind: t.field({ type: InventorySourceKindEnum, resolve: (source) => source.kind }),
    url: t.exposeString('url', { description: 'NetBox base URL, the HTTP list URL, or the CSV URL or file path.' }),
    settings: t.field({ type: 'JSONObject', resolve: (source) => source.settings }),
    hasSecret: t.boolean({
      description: 'A token or headers are stored (encrypted; never returned).',
      resolve: (source) => source.secretCiphertext !== null,
    }),
    intervalSeconds: t.exposeInt('intervalSeconds', { nullable: true }),
    enabled: t.exposeBoolean('enabled'),
    lastRunAt: t.expose('lastRunAt', { type: 'DateTime', nullable: true }),
    lastStatus: t.exposeString('lastStatus', { nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
    runs: t.field({
      type: [InventorySyncRunType],
      description: 'Newest first.',
      args: { first: t.arg.int({ required: false, defaultValue: 20 }) },
      resolve: (source, args, ctx) =>
        ctx.db
          .select()
          .from(inventorySyncRuns)
          .where(eq(inventorySyncRuns.sourceId, source.id))
          .orderBy(desc(inventorySyncRuns.createdAt), desc(inventorySyncRuns.id))
          .limit(Math.min(Math.max(args.first ?? 20, 1), 100)),
    }),
  }),
});

builder.queryField('inventorySources', (t) =>
  t.field({
    type: [InventorySourceType],
    description: 'Every inventory source (administrators only).',
    resolve: (_root, _args, ctx) => {
      requireAdmin(ctx.viewer);
      return ctx.db.select().from(inventorySources).orderBy(inventorySources.name);
    },
  }),
);

const CreateInventorySourceInput = builder.inputType('CreateInventorySourceInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    kind: t.field({ type: InventorySourceKindEnum, required: true }),
    url: t.string({ required: true }),
    token: t.string({
      required: false,
      description: 'NetBox API token (sent as `Authorization: Token …`); stored encrypted.',
    }),
    headers: t.field({ type: 'JSONObject', required: false, description: 'Request headers (stored encrypted).' }),
    settings: t.field({
      type: 'JSONObject',
      required: false,
      description:
        'filters, deviceGroupFrom (site|tenant|role|none), collectionGroupCustomField, collectionGroupTagPrefix, ' +
        'platformMap, listPath, fieldMap, defaultPluginKey, credentialId, timeoutSeconds',
    }),
    intervalSeconds: t.int({ required: false, description: 'Sync in the background every this many seconds (≥ 60).' }),
    enabled: t.boolean({ required: false, defaultValue: true }),
  }),
});

const CreateInventorySourceSuccess = builder
  .objectRef<{ inventorySource: InventorySourceRow }>('CreateInventorySourceSuccess')
  .implement({
    fields: (t) => ({ inventorySource: t.field({ type: InventorySourceType, resolve: (r) => r.inventorySource }) }),
  });

function checkUrl(kind: InventorySourceKind, url: string): ValidationFailure | null {
  if (kind === 'csv' && (url.startsWith('/') || url.startsWith('file:'))) return null;
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return null;
  } catch {}
  return new ValidationFailure('url', 'url must be an http(s) URL (a CSV source may also name an absolute file path)');
}

function checkInterval(seconds: number | null | undefined): ValidationFailure | null {
  if (seconds === null || seconds === undefined) return null;
  return Number.isInteger(seconds) && seconds >= 60
    ? null
    : new ValidationFailure('intervalSeconds', 'intervalSeconds must be at least 60');
}

function sealSecret(
  ctx: Context,
  token: string | null | undefined,
  headers: Record<string, unknown> | null | undefined,
) {
  if (!token && !headers) return null;
  return ctx.secrets.encrypt(JSON.stringify({ ...(token ? { token } : {}), ...(headers ? { headers } : {}) }));
}

builder.mutationField('createInventorySource', (t) =>
  t.field({
    type: resultUnion('CreateInventorySourceResult', CreateInventorySourceSuccess),
    args: { input: t.arg({ type: CreateInventorySourceInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ inventorySource: InventorySourceRow } | Failure> => {
      requireAdmin(ctx.viewer);
      const failed = firstFailure(
        checkName('name', input.name),
        checkUrl(input.kind, input.url),
        checkInterval(input.intervalSeconds),
      );
      if (failed) return failed;
      const [existing] = await ctx.db
        .select({ id: inventorySources.id })
        .from(inventorySources)
        .where(eq(inventorySources.name, input.name.trim()));
      if (existing) return new ValidationFailure('name', `an inventory source named "${input.name}" already exists`);
      const [row] = await ctx.db
        .insert(inventorySources)
        .values({
          name: input.name.trim(),
          kind: input.kind,
          url: input.url,
          settings: input.settings ?? {},
          secretCiphertext: sealSecret(ctx, input.token, input.headers),
          intervalSeconds: input.intervalSeconds ?? null,
          enabled: input.enabled ?? true,
        })
        .returning();
      return { inventorySource: row! };
    },
  }),
);

const UpdateInventorySourceInput = builder.inputType('UpdateInventorySourceInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ required: false }),
    url: t.string({ required: false }),
    token: t.string({ required: false, description: 'Replaces the stored token and headers when given.' }),
    headers: t.field({ type: 'JSONObject', required: false }),
    settings: t.field({ type: 'JSONObject', required: false }),
    intervalSeconds: t.int({ required: false }),
    enabled: t.boolean({ required: false }),
  }),
});

const UpdateInventorySourceSuccess = builder
  .objectRef<{ inventorySource: InventorySourceRow }>('UpdateInventorySourceSuccess')
  .implement({
    fields: (t) => ({ inventorySource: t.field({ type: InventorySourceType, resolve: (r) => r.inventorySource }) }),
  });

async function findSource(ctx: Context, id: string | number): Promise<InventorySourceRow | null> {
  const text = String(id);
  if (!/^[0-9a-f-]{36}$/i.test(text)) return null;
  const [row] = await ctx.db.select().from(inventorySources).where(eq(inventorySources.id, text));
  return row ?? null;
}

builder.mutationField('updateInventorySource', (t) =>
  t.field({
    type: resultUnion('UpdateInventorySourceResult', UpdateInventorySourceSuccess),
    args: { input: t.arg({ type: UpdateInventorySourceInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ inventorySource: InventorySourceRow } | Failure> => {
      requireAdmin(ctx.viewer);
      const source = await findSource(ctx, input.id);
      if (!source) return new NotFound(`inventory source ${input.id} does not exist`);
      const failed = firstFailure(
        input.name == null ? null : checkName('name', input.name),
        input.url == null ? null : checkUrl(source.kind, input.url),
        checkInterval(input.intervalSeconds),
      );
      if (failed) return failed;
      const [row] = await ctx.db
        .update(inventorySources)
        .set({
          ...(input.name != null ? { name: input.name.trim() } : {}),
          ...(input.url != null ? { url: input.url } : {}),
          ...(input.settings != null ? { settings: input.settings } : {}),
          ...(input.token != null || input.headers != null
            ? { secretCiphertext: sealSecret(ctx, input.token, input.headers) }
            : {}),
          ...(input.intervalSeconds !== undefined ? { intervalSeconds: input.intervalSeconds } : {}),
          ...(input.enabled != null ? { enabled: input.enabled } : {}),
          updatedAt: new Date(),
        })
        .where(eq(inventorySources.id, source.id))
        .returning();
      return { inventorySource: row! };
    },
  }),
);

const DeleteInventorySourceInput = builder.inputType('DeleteInventorySourceInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

builder.mutationField('deleteInventorySource', (t) =>
  t.field({
    type: resultUnion('DeleteInventorySourceResult', deleteSuccess('DeleteInventorySourceSuccess')),
    description: 'Deletes a source and its runs; its devices stay (no longer managed by a source).',
    args: { input: t.arg({ type: DeleteInventorySourceInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ deletedId: string } | Failure> => {
      requireAdmin(ctx.viewer);
      const source = await findSource(ctx, input.id);
      if (!source) return new NotFound(`inventory source ${input.id} does not exist`);
      await ctx.db.delete(inventorySources).where(eq(inventorySources.id, source.id));
      return { deletedId: source.id };
    },
  }),
);

class InventorySyncFailed {
  constructor(
    public message: string,
    public run: InventorySyncRunRow,
  ) {}
}

const InventorySyncFailedErrorType = builder.objectType(InventorySyncFailed, {
  name: 'InventorySyncFailedError',
  description: 'The source could not be read (401, timeout, malformed answer…): nothing changed; `message` says why.',
  interfaces: [ErrorInterface],
  fields: (t) => ({ run: t.field({ type: InventorySyncRunType, resolve: (error) => error.run }) }),
});

const SyncInventorySourceInput = builder.inputType('SyncInventorySourceInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    dryRun: t.boolean({
      required: false,
      defaultValue: false,
      description: 'Report what would change; change nothing.',
    }),
  }),
});

const SyncInventorySourceSuccess = builder
  .objectRef<{ run: InventorySyncRunRow }>('SyncInventorySourceSuccess')
  .implement({ fields: (t) => ({ run: t.field({ type: InventorySyncRunType, resolve: (r) => r.run }) }) });

builder.mutationField('syncInventorySource', (t) =>
  t.field({
    type: resultUnion('SyncInventorySourceResult', SyncInventorySourceSuccess, [
      [InventorySyncFailed, InventorySyncFailedErrorType],
    ]),
    args: { input: t.arg({ type: SyncInventorySourceInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ run: InventorySyncRunRow } | Failure | InventorySyncFailed> => {
      const viewer = requireAdmin(ctx.viewer);
      const source = await findSource(ctx, input.id);
      if (!source) return new NotFound(`inventory source ${input.id} does not exist`);
      const run = await ctx.inventory.sync(source.id, { dryRun: input.dryRun ?? false, requestedBy: viewer.username });
      if (!run) return new NotFound(`inventory source ${input.id} does not exist`);
      if (run.status === 'failed') return new InventorySyncFailed(run.error ?? 'the sync failed', run);
      return { run };
    },
  }),
);
