/**
 * What the rule previews share: finding a version the viewer may read and reading its text (audited as a
 * content view, like `backup.content`), and the line type they answer with.
 */
import { desc, eq } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { type BackupRow, backups, type DeviceRow, devices } from '../db/tables.js';
import { isUuid, NotFound, ValidationFailure } from '../errors.js';
import { canReadDevice } from '../policy.js';

export interface PreviewLine {
  number: number;
  before: string;
  /** Null when the line would be removed (or ignored, for an ignore filter). */
  after: string | null;
}

export const PreviewLineType = builder.objectRef<PreviewLine>('RulePreviewLine').implement({
  description: 'One line of a stored version that a rule or filter would change.',
  fields: (t) => ({
    number: t.exposeInt('number', { description: '1-based line number in the stored version.' }),
    before: t.exposeString('before'),
    after: t.exposeString('after', { nullable: true, description: 'Null: the line would be removed or ignored.' }),
  }),
});

/** At most this many lines come back; `matchCount` still counts them all. */
export const maxPreviewLines = 500;

/** A version of a readable device: by id, or the device's latest one. */
export async function previewVersion(
  ctx: Context,
  by: { backupId?: string | null; deviceId?: string | null },
): Promise<{ backup: BackupRow; device: DeviceRow; text: string } | NotFound | ValidationFailure> {
  const id = by.backupId ?? by.deviceId;
  if (!id || !isUuid(id)) return new NotFound(`no version ${id ?? ''} to preview against`);
  const [row] = await ctx.db
    .select({ backup: backups, device: devices })
    .from(backups)
    .innerJoin(devices, eq(devices.id, backups.deviceId))
    .where(by.backupId ? eq(backups.id, id) : eq(backups.deviceId, id))
    .orderBy(desc(backups.createdAt), desc(backups.id))
    .limit(1);
  if (!row || !canReadDevice(ctx.viewer, row.device)) return new NotFound(`no version ${id} to preview against`);
  if (row.backup.isBinary) return new ValidationFailure('backupId', 'binary versions have no lines to preview');
  const text = await ctx.backupContent.readText(row.backup);
  await ctx.audit.record({
    action: 'backup.content.view',
    outcome: 'success',
    targetType: 'backup',
    targetId: row.backup.id,
    details: { via: 'rule preview' },
  });
  return { ...row, text };
}
