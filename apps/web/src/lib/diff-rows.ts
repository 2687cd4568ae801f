// Pairs a hunk's removed and added lines for the side-by-side view and marks what changed inside a pair.
// Hand-written: the server sends line diffs; marking the differing middle of a changed line (common prefix
// and suffix trimmed, as code review tools do for one-line edits) needs no character diff library.

export type DiffLine = {
  kind: 'ADDED' | 'REMOVED' | 'CONTEXT';
  oldNumber: number | null;
  newNumber: number | null;
  text: string;
};

/** A line split into the unchanged start, the changed middle and the unchanged end. */
export type Marked = { start: string; middle: string; end: string };

export function markChange(before: string, after: string): { before: Marked; after: Marked } {
  let start = 0;
  const shortest = Math.min(before.length, after.length);
  while (start < shortest && before[start] === after[start]) start += 1;
  let end = 0;
  while (end < shortest - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end += 1;
  const split = (text: string): Marked => ({
    start: text.slice(0, start),
    middle: text.slice(start, text.length - end),
    end: text.slice(text.length - end),
  });
  return { before: split(before), after: split(after) };
}

/** Each removed line paired with the added line at the same place in the following run (null when none). */
export function pairChanges(lines: readonly DiffLine[]): Map<DiffLine, DiffLine> {
  const pairs = new Map<DiffLine, DiffLine>();
  let index = 0;
  while (index < lines.length) {
    const removed: DiffLine[] = [];
    while (lines[index]?.kind === 'REMOVED') removed.push(lines[index++]!);
    const added: DiffLine[] = [];
    while (lines[index]?.kind === 'ADDED') added.push(lines[index++]!);
    for (let pair = 0; pair < Math.min(removed.length, added.length); pair += 1) {
      pairs.set(removed[pair]!, added[pair]!);
      pairs.set(added[pair]!, removed[pair]!);
    }
    if (removed.length === 0 && added.length === 0) index += 1;
  }
  return pairs;
}

export type SideBySideRow = { left: DiffLine | null; right: DiffLine | null };

/** Rows for two columns: context on both sides, removed runs on the left beside the added runs that follow. */
export function sideBySide(lines: readonly DiffLine[]): SideBySideRow[] {
  const rows: SideBySideRow[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    if (line.kind === 'CONTEXT') {
      rows.push({ left: line, right: line });
      index += 1;
      continue;
    }
    const removed: DiffLine[] = [];
    while (lines[index]?.kind === 'REMOVED') removed.push(lines[index++]!);
    const added: DiffLine[] = [];
    while (lines[index]?.kind === 'ADDED') added.push(lines[index++]!);
    for (let row = 0; row < Math.max(removed.length, added.length); row += 1) {
      rows.push({ left: removed[row] ?? null, right: added[row] ?? null });
    }
  }
  return rows;
}
