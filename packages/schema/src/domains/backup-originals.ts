/**
 * Restorable originals (issue 10 item 5): a version collected with scrubbing keeps what the device sent,
 * encrypted, beside the masked text everyone sees. Everyone who may read the version can tell there is one
 * (`hasRestorableOriginal`); only administrators get a signed URL to it (`originalDownloadUrl`), and the
 * download route checks that again and audits it. The original itself never crosses GraphQL.
 */
import { eq, inArray } from 'drizzle-orm';
import { builder } from '../builder.js';
import { type BackupRow, backupOriginals } from '../db/tables.js';
import { isAdmin } from '../policy.js';
import { BackupType } from './backups.js';

builder.objectFields(BackupType, (t) => ({
  hasRestorableOriginal: t.loadable({
    type: 'Boolean',
    description: 'Whether an encrypted original (before secret scrubbing) is kept for this version.',
    load: async (ids: string[], ctx) => {
      const rows = await ctx.db
        .select({ backupId: backupOriginals.backupId })
        .from(backupOriginals)
        .where(inArray(backupOriginals.backupId, ids));
      const found = new Set(rows.map((row) => row.backupId));
      return ids.map((id) => found.has(id));
    },
    resolve: (backup: BackupRow) => backup.id,
  }),
  originalDownloadUrl: t.string({
    nullable: true,
    description:
      'A short-lived signed URL to the restorable original (byte for byte what the device sent); administrators only, null for everyone else or when there is none. Every download is audited.',
    resolve: async (backup, _args, ctx) => {
      if (!isAdmin(ctx.viewer) || !ctx.downloads.originalUrlFor) return null;
      const [row] = await ctx.db
        .select({ backupId: backupOriginals.backupId })
        .from(backupOriginals)
        .where(eq(backupOriginals.backupId, backup.id));
      return row ? ctx.downloads.originalUrlFor(backup, ctx.viewer?.userId ?? null) : null;
    },
  }),
}));
