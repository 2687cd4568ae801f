/**
 * User-defined backup filters (issue 10 item 7; Unimus "backup filters", rConfig exclusions): lines matching
 * a pattern are either stored but not counted as a change (`IGNORE_FOR_CHANGES`: dropped from the
 * significant-changes view the runner compares) or removed before the version is stored
 * (`REMOVE_BEFORE_STORING`), for every device or one plugin's and/or one device group's.
 * `previewBackupFilter` lists the lines of a device's latest version a filter would hit. Who may do what:
 * rule-scope.ts.
 */
import { and, eq } from 'drizzle-orm';
import { builder } from '../builder.js';
import { checkPattern, matchingLines } from '../config-rules.js';
import { type BackupFilterKind, type BackupFilterRow, backupFilters } from '../db/tables.js';
import { NotFound, ValidationFailure } from '../errors.js';
import { newestFirstConnection } from '../pagination.js';
import { type Failure, resultUnion } from '../results.js';
import { checkScope, readableRulesCondition, requireRuleManager } from '../rule-scope.js';
import { maxPreviewLines, type PreviewLine, PreviewLineType, previewVersion } from './rule-previews.js';
import { deleteRuleField, nextScope, readableRule } from './scoped-rules.js';

const BackupFilterKindEnum = builder.enumType('BackupFilterKind', {
  values: {
    IGNORE_FOR_CHANGES: { value: 'ignore_for_changes', description: 'Stored, but a change in them is not a change.' },
    REMOVE_BEFORE_STORING: { value: 'remove_before_storing', description: 'Removed before the version is stored.' },
  } as const,
});

export const BackupFilterType = builder.objectRef<BackupFilterRow>('BackupFilter').implement({
  description: 'Lines left out of change detection, or out of the stored version.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.field({ type: BackupFilterKindEnum, resolve: (filter) => filter.kind }),
    pattern: t.exposeString('pattern', { description: 'RE2 syntax, tested on each line (without its line end).' }),
    description: t.exposeString('description'),
    pluginKey: t.exposeString('pluginKey', { nullable: true, description: 'Only devices of this plugin; null: all.' }),
    deviceGroupId: t.exposeID('deviceGroupId', {
      nullable: true,
      description: 'Only this group’s devices; null: all.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.queryField('backupFilters', (t) =>
  t.connection({
    type: BackupFilterType,
    description: 'Backup filters you may see (global ones and those of your device groups), newest first.',
    resolve: (_root, args, ctx) =>
      newestFirstConnection(args, backupFilters, (page) =>
        ctx.db
          .select()
          .from(backupFilters)
          .where(and(readableRulesCondition(ctx.viewer, backupFilters), page.where))
          .orderBy(...page.orderBy)
          .limit(page.limit),
      ),
  }),
);

function backupFilterSuccess(name: string) {
  return builder.objectRef<{ backupFilter: BackupFilterRow }>(name).implement({
    fields: (t) => ({ backupFilter: t.field({ type: BackupFilterType, resolve: (result) => result.backupFilter }) }),
  });
}

const checkFilterPattern = (pattern: string) => checkPattern('pattern', pattern, { allowEmptyMatch: true });

const CreateBackupFilterInput = builder.inputType('CreateBackupFilterInput', {
  fields: (t) => ({
    kind: t.field({ type: BackupFilterKindEnum, required: true }),
    pattern: t.string({ required: true }),
    description: t.string({ required: false }),
    pluginKey: t.string({ required: false }),
    deviceGroupId: t.id({ required: false, description: 'Required for operators: their filters apply to one group.' }),
  }),
});

builder.mutationField('createBackupFilter', (t) =>
  t.field({
    type: resultUnion('CreateBackupFilterResult', backupFilterSuccess('CreateBackupFilterSuccess')),
    args: { input: t.arg({ type: CreateBackupFilterInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ backupFilter: BackupFilterRow } | Failure> => {
      const deviceGroupId = input.deviceGroupId ?? null;
      requireRuleManager(ctx, deviceGroupId);
      const failure =
        checkFilterPattern(input.pattern) ?? checkDescription(input.description) ?? (await checkScope(ctx, input));
      if (failure) return failure;
      const [backupFilter] = await ctx.db
        .insert(backupFilters)
        .values({
          kind: input.kind as BackupFilterKind,
          pattern: input.pattern,
          description: input.description ?? '',
          pluginKey: input.pluginKey ?? null,
          deviceGroupId,
        })
        .returning();
      return { backupFilter: backupFilter! };
    },
  }),
);

const UpdateBackupFilterInput = builder.inputType('UpdateBackupFilterInput', {
  description: 'Fields left out stay as they are; `pluginKey: null` / `deviceGroupId: null` widen the filter.',
  fields: (t) => ({
    id: t.id({ required: true }),
    kind: t.field({ type: BackupFilterKindEnum, required: false }),
    pattern: t.string({ required: false }),
    description: t.string({ required: false }),
    pluginKey: t.string({ required: false }),
    deviceGroupId: t.id({ required: false }),
  }),
});

builder.mutationField('updateBackupFilter', (t) =>
  t.field({
    type: resultUnion('UpdateBackupFilterResult', backupFilterSuccess('UpdateBackupFilterSuccess')),
    args: { input: t.arg({ type: UpdateBackupFilterInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ backupFilter: BackupFilterRow } | Failure> => {
      const existing = await readableRule(ctx, backupFilters, input.id);
      if (!existing) return new NotFound(`backup filter ${input.id} does not exist`);
      requireRuleManager(ctx, existing.deviceGroupId);
      const next = {
        kind: (input.kind ?? existing.kind) as BackupFilterKind,
        pattern: input.pattern ?? existing.pattern,
        description: input.description ?? existing.description,
        ...nextScope(input, existing),
      };
      requireRuleManager(ctx, next.deviceGroupId);
      const failure =
        checkFilterPattern(next.pattern) ?? checkDescription(next.description) ?? (await checkScope(ctx, next));
      if (failure) return failure;
      const [backupFilter] = await ctx.db
        .update(backupFilters)
        .set({ ...next, updatedAt: new Date() })
        .where(eq(backupFilters.id, existing.id))
        .returning();
      return { backupFilter: backupFilter! };
    },
  }),
);

deleteRuleField('BackupFilter', 'backup filter', backupFilters);

function checkDescription(description: string | null | undefined): ValidationFailure | null {
  if (description == null || description.length <= 500) return null;
  return new ValidationFailure('description', 'description must be at most 500 characters');
}

interface BackupFilterPreview {
  backupId: string;
  matchCount: number;
  lines: PreviewLine[];
}

const BackupFilterPreviewType = builder.objectRef<BackupFilterPreview>('BackupFilterPreview').implement({
  description: 'The lines of a device’s latest version a filter would remove, or leave out of change detection.',
  fields: (t) => ({
    backupId: t.exposeID('backupId', { description: 'The version previewed: the device’s latest.' }),
    matchCount: t.exposeInt('matchCount'),
    lines: t.field({
      type: [PreviewLineType],
      description: `The matching lines (at most ${maxPreviewLines}); \`after\` is null for each.`,
      resolve: (preview) => preview.lines,
    }),
  }),
});

const PreviewBackupFilterInput = builder.inputType('PreviewBackupFilterInput', {
  fields: (t) => ({
    pattern: t.string({ required: true }),
    deviceId: t.id({ required: true, description: 'Previewed against this device’s latest version.' }),
  }),
});

builder.queryField('previewBackupFilter', (t) =>
  t.field({
    description: 'Lists the lines of a device’s latest version a filter would hit (audited as a content view).',
    type: resultUnion('PreviewBackupFilterResult', BackupFilterPreviewType),
    args: { input: t.arg({ type: PreviewBackupFilterInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<BackupFilterPreview | Failure> => {
      const failure = checkFilterPattern(input.pattern);
      if (failure) return failure;
      const version = await previewVersion(ctx, { deviceId: input.deviceId });
      if (version instanceof NotFound || version instanceof ValidationFailure) return version;
      const lines = matchingLines(version.text, [input.pattern]).map((line) => ({
        number: line.number,
        before: line.text,
        after: null,
      }));
      return { backupId: version.backup.id, matchCount: lines.length, lines: lines.slice(0, maxPreviewLines) };
    },
  }),
);
