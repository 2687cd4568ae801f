/**
 * User-defined scrub rules (issue 10 item 4): a pattern (RE2, multi-line) and its replacement, applied by the
 * runner after the plugin's own masks on devices that scrub secrets, for every device or one plugin's and/or
 * one device group's. `previewScrubRule` shows what a rule would change in a stored version.
 * Who may do what: rule-scope.ts.
 */
import { and, eq } from 'drizzle-orm';
import { builder } from '../builder.js';
import { applyScrubRules, checkPattern, checkReplacement } from '../config-rules.js';
import { type ScrubRuleRow, scrubRules } from '../db/tables.js';
import { NotFound, ValidationFailure } from '../errors.js';
import { newestFirstConnection } from '../pagination.js';
import { type Failure, resultUnion } from '../results.js';
import { checkScope, readableRulesCondition, requireRuleManager } from '../rule-scope.js';
import { diffLineArrays } from '../text-diff.js';
import { maxPreviewLines, type PreviewLine, PreviewLineType, previewVersion } from './rule-previews.js';
import { deleteRuleField, nextScope, readableRule } from './scoped-rules.js';

export const ScrubRuleType = builder.objectRef<ScrubRuleRow>('ScrubRule').implement({
  description: 'A user-defined secret mask, applied after the plugin’s own masks to devices that scrub secrets.',
  fields: (t) => ({
    id: t.exposeID('id'),
    pattern: t.exposeString('pattern', { description: 'RE2 syntax; `^` and `$` match at line starts and ends.' }),
    replacement: t.exposeString('replacement', { description: '`$1`, `$2`… insert groups; `$$` is a dollar sign.' }),
    pluginKey: t.exposeString('pluginKey', { nullable: true, description: 'Only devices of this plugin; null: all.' }),
    deviceGroupId: t.exposeID('deviceGroupId', {
      nullable: true,
      description: 'Only this group’s devices; null: all.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.queryField('scrubRules', (t) =>
  t.connection({
    type: ScrubRuleType,
    description: 'Scrub rules you may see (global ones and those of your device groups), newest first.',
    resolve: (_root, args, ctx) =>
      newestFirstConnection(args, scrubRules, (page) =>
        ctx.db
          .select()
          .from(scrubRules)
          .where(and(readableRulesCondition(ctx.viewer, scrubRules), page.where))
          .orderBy(...page.orderBy)
          .limit(page.limit),
      ),
  }),
);

function scrubRuleSuccess(name: string) {
  return builder.objectRef<{ scrubRule: ScrubRuleRow }>(name).implement({
    fields: (t) => ({ scrubRule: t.field({ type: ScrubRuleType, resolve: (result) => result.scrubRule }) }),
  });
}

const CreateScrubRuleInput = builder.inputType('CreateScrubRuleInput', {
  fields: (t) => ({
    pattern: t.string({ required: true }),
    replacement: t.string({ required: true }),
    pluginKey: t.string({ required: false }),
    deviceGroupId: t.id({ required: false, description: 'Required for operators: their rules apply to one group.' }),
  }),
});

function checkRule(pattern: string, replacement: string): ValidationFailure | null {
  return (
    checkPattern('pattern', pattern, { allowEmptyMatch: false }) ??
    checkReplacement('replacement', pattern, replacement)
  );
}

builder.mutationField('createScrubRule', (t) =>
  t.field({
    type: resultUnion('CreateScrubRuleResult', scrubRuleSuccess('CreateScrubRuleSuccess')),
    args: { input: t.arg({ type: CreateScrubRuleInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ scrubRule: ScrubRuleRow } | Failure> => {
      const deviceGroupId = input.deviceGroupId ?? null;
      requireRuleManager(ctx, deviceGroupId);
      const failure = checkRule(input.pattern, input.replacement) ?? (await checkScope(ctx, input));
      if (failure) return failure;
      const [scrubRule] = await ctx.db
        .insert(scrubRules)
        .values({
          pattern: input.pattern,
          replacement: input.replacement,
          pluginKey: input.pluginKey ?? null,
          deviceGroupId,
        })
        .returning();
      return { scrubRule: scrubRule! };
    },
  }),
);

const UpdateScrubRuleInput = builder.inputType('UpdateScrubRuleInput', {
  description: 'Fields left out stay as they are; `pluginKey: null` / `deviceGroupId: null` widen the rule.',
  fields: (t) => ({
    id: t.id({ required: true }),
    pattern: t.string({ required: false }),
    replacement: t.string({ required: false }),
    pluginKey: t.string({ required: false }),
    deviceGroupId: t.id({ required: false }),
  }),
});

builder.mutationField('updateScrubRule', (t) =>
  t.field({
    type: resultUnion('UpdateScrubRuleResult', scrubRuleSuccess('UpdateScrubRuleSuccess')),
    args: { input: t.arg({ type: UpdateScrubRuleInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ scrubRule: ScrubRuleRow } | Failure> => {
      const existing = await readableRule(ctx, scrubRules, input.id);
      if (!existing) return new NotFound(`scrub rule ${input.id} does not exist`);
      requireRuleManager(ctx, existing.deviceGroupId);
      const next = {
        pattern: input.pattern ?? existing.pattern,
        replacement: input.replacement ?? existing.replacement,
        ...nextScope(input, existing),
      };
      // Moving a rule is managing it in its new scope too.
      requireRuleManager(ctx, next.deviceGroupId);
      const failure = checkRule(next.pattern, next.replacement) ?? (await checkScope(ctx, next));
      if (failure) return failure;
      const [scrubRule] = await ctx.db
        .update(scrubRules)
        .set({ ...next, updatedAt: new Date() })
        .where(eq(scrubRules.id, existing.id))
        .returning();
      return { scrubRule: scrubRule! };
    },
  }),
);

deleteRuleField('ScrubRule', 'scrub rule', scrubRules);

interface ScrubRulePreview {
  backupId: string;
  matchCount: number;
  lines: PreviewLine[];
}

const ScrubRulePreviewType = builder.objectRef<ScrubRulePreview>('ScrubRulePreview').implement({
  description: 'What a scrub rule would change in a stored version (which is already masked by the plugin).',
  fields: (t) => ({
    backupId: t.exposeID('backupId'),
    matchCount: t.exposeInt('matchCount', { description: 'Lines the rule changes.' }),
    lines: t.field({
      type: [PreviewLineType],
      description: `The changed lines (at most ${maxPreviewLines}), before and after.`,
      resolve: (preview) => preview.lines,
    }),
  }),
});

const PreviewScrubRuleInput = builder.inputType('PreviewScrubRuleInput', {
  fields: (t) => ({
    pattern: t.string({ required: true }),
    replacement: t.string({ required: true }),
    backupId: t.id({ required: true }),
  }),
});

builder.queryField('previewScrubRule', (t) =>
  t.field({
    description: 'Applies a scrub rule to a stored version without saving anything (audited as a content view).',
    type: resultUnion('PreviewScrubRuleResult', ScrubRulePreviewType),
    args: { input: t.arg({ type: PreviewScrubRuleInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<ScrubRulePreview | Failure> => {
      const failure = checkRule(input.pattern, input.replacement);
      if (failure) return failure;
      const version = await previewVersion(ctx, { backupId: input.backupId });
      if (version instanceof NotFound || version instanceof ValidationFailure) return version;
      const after = applyScrubRules(version.text, [input]);
      const lines = changedLines(version.text, after);
      return { backupId: version.backup.id, matchCount: lines.length, lines: lines.slice(0, maxPreviewLines) };
    },
  }),
);

/** Lines of `before` that differ in `after`, each with what it became (null when a change removed lines). */
function changedLines(before: string, after: string): PreviewLine[] {
  const oldLines = before.split('\n');
  const newLines = after.split('\n');
  return diffLineArrays(oldLines, newLines).flatMap((change) =>
    oldLines.slice(change.oldStart, change.oldEnd).map((line, offset) => ({
      number: change.oldStart + offset + 1,
      before: line,
      after: change.newStart + offset < change.newEnd ? (newLines[change.newStart + offset] ?? null) : null,
    })),
  );
}
