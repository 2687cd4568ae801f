/**
 * BACKUP_CHANGED, written in the transaction that records a changed version: +added/−removed line counts
 * against the previous version (text only), whether the plugin's significant view changed, and who changed
 * it when known. The first version of a device is not a change.
 */
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import type { EventRow } from '@devicevault/schema/db/tables';
import { diffLineArrays, splitLines } from '@devicevault/schema/text-diff';
import { sql } from 'drizzle-orm';
import { insertDeviceEvents } from './device-events.js';

export interface ChangeFacts {
  deviceId: string;
  jobId: string;
  backupId: string;
  changedBy: string | null;
  isBinary: boolean;
  significantSha256: string | null;
  /** The new version's text, when it is text. */
  text: string | null;
}

export async function recordChangeEvent(tx: Database, facts: ChangeFacts): Promise<EventRow[]> {
  const [previous] = rowsOf<{ id: string; significantSha256: string | null; content: string | null }>(
    await tx.execute(sql`
      /* previousVersionText */
      select b.id, b.significant_sha256 as "significantSha256", t.content
      from backups b left join text_contents t on t.sha256 = b.sha256 and not b.is_binary
      where b.device_id = ${facts.deviceId} and b.id <> ${facts.backupId}
      order by b.created_at desc nulls last, b.id desc nulls last limit 1`),
  );
  if (!previous) return [];
  const counts =
    facts.isBinary || facts.text === null || previous.content === null
      ? null
      : lineCounts(previous.content, facts.text);
  const significant =
    !previous.significantSha256 || !facts.significantSha256 || previous.significantSha256 !== facts.significantSha256;
  const { deviceId, text: _text, significantSha256: _sha, ...payload } = facts;
  return insertDeviceEvents(tx, [
    {
      kind: 'BACKUP_CHANGED',
      deviceId,
      payload: {
        ...payload,
        previousBackupId: previous.id,
        added: counts?.added ?? null,
        removed: counts?.removed ?? null,
        significant,
      },
    },
  ]);
}

function lineCounts(oldText: string, newText: string) {
  let added = 0;
  let removed = 0;
  for (const change of diffLineArrays(splitLines(oldText).lines, splitLines(newText).lines)) {
    added += change.newEnd - change.newStart;
    removed += change.oldEnd - change.oldStart;
  }
  return { added, removed };
}

/** The change facts of a version the store step just wrote (its main text is the first of `texts`). */
export function changeFacts(
  facts: { deviceId: string; jobId: string; backupId: string; changedBy: string | null },
  stored: {
    version: { isBinary: boolean; sha256: string; significantSha256?: string | null };
    texts: { sha256: string; content: string }[];
  },
): ChangeFacts {
  const text = stored.texts.find((entry) => entry.sha256 === stored.version.sha256)?.content ?? null;
  return {
    ...facts,
    isBinary: stored.version.isBinary,
    significantSha256: stored.version.significantSha256 ?? null,
    text,
  };
}
