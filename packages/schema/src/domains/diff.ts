/**
 * `diff(fromBackupId, toBackupId, significantOnly)`: a line diff of two text versions computed on the server
 * (text-diff.ts), as unified text plus structured hunks with line numbers.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { type BackupRow, backups, devices, textContents } from '../db/tables.js';
import { isUuid, NotFound, ValidationFailure } from '../errors.js';
import { canReadDevice } from '../policy.js';
import { type Failure, resultUnion } from '../results.js';
import { type DiffHunk, type DiffLine, diffTexts, type TextDiff } from '../text-diff.js';
import { BackupType } from './backups.js';

const maxContextLines = 1000;

interface DiffResultShape extends TextDiff {
  from: BackupRow;
  to: BackupRow;
  significantOnly: boolean;
}

const DiffLineKindEnum = builder.enumType('DiffLineKind', {
  values: { CONTEXT: { value: 'context' }, ADDED: { value: 'added' }, REMOVED: { value: 'removed' } } as const,
});

const DiffLineType = builder.objectRef<DiffLine>('DiffLine').implement({
  fields: (t) => ({
    kind: t.field({ type: DiffLineKindEnum, resolve: (line) => line.kind }),
    oldNumber: t.exposeInt('oldNumber', { nullable: true, description: '1-based; null for an added line.' }),
    newNumber: t.exposeInt('newNumber', { nullable: true, description: '1-based; null for a removed line.' }),
    text: t.exposeString('text', { description: 'The line without its newline.' }),
  }),
});

const DiffHunkType = builder.objectRef<DiffHunk>('DiffHunk').implement({
  fields: (t) => ({
    oldStart: t.exposeInt('oldStart'),
    oldLines: t.exposeInt('oldLines'),
    newStart: t.exposeInt('newStart'),
    newLines: t.exposeInt('newLines'),
    header: t.exposeString('header', { description: 'The `@@ -a,b +c,d @@` line.' }),
    lines: t.field({ type: [DiffLineType], resolve: (hunk) => hunk.lines }),
  }),
});

const DiffType = builder.objectRef<DiffResultShape>('Diff').implement({
  description: 'What changed from one text version to another.',
  fields: (t) => ({
    from: t.field({ type: BackupType, resolve: (diff) => diff.from }),
    to: t.field({ type: BackupType, resolve: (diff) => diff.to }),
    significantOnly: t.exposeBoolean('significantOnly'),
    identical: t.exposeBoolean('identical'),
    added: t.exposeInt('added', { description: 'Lines added.' }),
    removed: t.exposeInt('removed', { description: 'Lines removed.' }),
    unified: t.exposeString('unified', { description: 'A unified diff (`--- a` / `+++ b` / `@@` hunks).' }),
    hunks: t.field({ type: [DiffHunkType], resolve: (diff) => diff.hunks }),
  }),
});

/** Loads versions by id, keeping only those the viewer may read (missing otherwise). */
export async function loadReadableBackups(ctx: Context, ids: string[]): Promise<Map<string, BackupRow>> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return new Map();
  const rows = await ctx.db
    .select({ backup: backups, device: devices })
    .from(backups)
    .innerJoin(devices, eq(devices.id, backups.deviceId))
    .where(inArray(backups.id, valid));
  return new Map(rows.filter((row) => canReadDevice(ctx.viewer, row.device)).map((row) => [row.backup.id, row.backup]));
}

/** The text to diff: the significant view when asked for and recorded, else the whole config. */
export async function versionText(ctx: Context, backup: BackupRow, significantOnly: boolean): Promise<string> {
  if (significantOnly && backup.significantSha256) {
    const [row] = await ctx.db
      .select({ content: textContents.content })
      .from(textContents)
      .where(and(eq(textContents.sha256, backup.significantSha256)));
    if (row) return row.content;
  }
  return ctx.backupContent.readText(backup);
}

export async function diffVersions(
  ctx: Context,
  input: { fromBackupId: string; toBackupId: string; significantOnly: boolean; contextLines: number },
): Promise<DiffResultShape | Failure> {
  if (!Number.isInteger(input.contextLines) || input.contextLines < 0 || input.contextLines > maxContextLines)
    return new ValidationFailure('contextLines', `contextLines must be between 0 and ${maxContextLines}`);
  const found = await loadReadableBackups(ctx, [input.fromBackupId, input.toBackupId]);
  const from = found.get(input.fromBackupId);
  const to = found.get(input.toBackupId);
  if (!from) return new NotFound(`backup ${input.fromBackupId} does not exist`);
  if (!to) return new NotFound(`backup ${input.toBackupId} does not exist`);
  for (const [field, backup] of [
    ['fromBackupId', from],
    ['toBackupId', to],
  ] as const) {
    if (backup.isBinary)
      return new ValidationFailure(field, `backup ${backup.id} is binary; only text versions can be diffed`);
  }
  const [oldText, newText] = await Promise.all([
    versionText(ctx, from, input.significantOnly),
    versionText(ctx, to, input.significantOnly),
  ]);
  const diff = diffTexts(oldText, newText, {
    context: input.contextLines,
    oldLabel: `a/${from.id}`,
    newLabel: `b/${to.id}`,
  });
  return { ...diff, from, to, significantOnly: input.significantOnly };
}

builder.queryField('diff', (t) =>
  t.field({
    type: resultUnion('DiffResult', DiffType),
    description:
      'A line diff between two text versions (any devices). `significantOnly` compares the plugin-defined ' +
      'significant-changes views where recorded (volatile lines left out).',
    args: {
      fromBackupId: t.arg.id({ required: true }),
      toBackupId: t.arg.id({ required: true }),
      significantOnly: t.arg.boolean({ required: false, defaultValue: false }),
      contextLines: t.arg.int({ required: false, defaultValue: 3 }),
    },
    resolve: (_root, args, ctx) =>
      diffVersions(ctx, {
        fromBackupId: args.fromBackupId,
        toBackupId: args.toBackupId,
        significantOnly: args.significantOnly ?? false,
        contextLines: args.contextLines ?? 3,
      }),
  }),
);
