/**
 * Firing a collection group's schedule: every slot since the last one dealt with is claimed in
 * `schedule_slots` with INSERT … ON CONFLICT DO NOTHING RETURNING, so exactly one process queues a slot
 * however many share the database (no lock is held across the slot). The newest due slot fires when it is
 * at most the group's catch-up window old (or a minute: a normal tick's lateness); every older one, and a
 * newest one past the window, is recorded as `missed` — after downtime a schedule runs once, not once per
 * missed slot.
 */
import type { JobQueuePort } from '@devicevault/schema/context';
import { type Database, rowsOf } from '@devicevault/schema/db/database';
import type { CollectionGroupRow } from '@devicevault/schema/db/tables';
import { slotsBetween } from '@devicevault/schema/schedule';
import { sql } from 'drizzle-orm';

/** A slot this late still fires even when the group has no catch-up window: ticks are not instantaneous. */
const tickLatenessMs = 60_000;

export interface SlotOutcome {
  fired: Date | null;
  missed: Date[];
  queued: number;
}

export async function fireDueSlots(
  deps: { db: Database; enqueue: JobQueuePort['enqueue'] },
  group: CollectionGroupRow,
  now: Date,
): Promise<SlotOutcome> {
  const outcome: SlotOutcome = { fired: null, missed: [], queued: 0 };
  const [last] = rowsOf<{ last: string | null }>(
    await deps.db.execute(sql`
      /* lastScheduleSlot */
      select max(slot_at) as last from schedule_slots where collection_group_id = ${group.id}`),
  );
  const after = last?.last ? new Date(last.last) : group.createdAt;
  const slots = slotsBetween(group, after, now);
  const newest = slots.at(-1);
  if (!newest) return outcome;
  const fires = now.getTime() - newest.getTime() <= Math.max(group.catchUpSeconds * 1000, tickLatenessMs);
  const missed = fires ? slots.slice(0, -1) : slots;
  if (missed.length > 0) {
    const claimed = rowsOf<{ slotAt: string }>(
      await deps.db.execute(sql`
        /* recordMissedSlots */
        insert into schedule_slots (collection_group_id, slot_at, outcome)
        select ${group.id}, value::timestamptz, 'missed'
        from jsonb_array_elements_text(${JSON.stringify(missed.map((slot) => slot.toISOString()))}::jsonb)
        on conflict do nothing
        returning slot_at as "slotAt"`),
    );
    outcome.missed = claimed.map((row) => new Date(row.slotAt));
  }
  if (!fires) return outcome;
  const won = rowsOf(
    await deps.db.execute(sql`
      /* claimScheduleSlot */
      insert into schedule_slots (collection_group_id, slot_at, outcome)
      values (${group.id}, ${newest.toISOString()}::timestamptz, 'fired')
      on conflict do nothing
      returning slot_at`),
  );
  if (won.length === 0) return outcome;
  // A slot caught up after downtime starts now; an on-time one from its own instant (plus each spread offset).
  const start = newest.getTime() < now.getTime() - tickLatenessMs ? now : newest;
  const result = await deps.enqueue({
    select: { collectionGroupId: group.id },
    trigger: 'schedule',
    requestedBy: { userId: null, label: 'scheduler' },
    runAfter: start,
    spreadSeconds: group.spreadSeconds,
  });
  return { ...outcome, fired: newest, queued: result.queued.length };
}
