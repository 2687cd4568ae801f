// Hand-written on purpose: bench/diff.ts holds it to ≤ 3× `git diff --no-index` on 50k-line configs, from strings already in memory.
/**
 * Line diff: Myers' O(ND) algorithm in linear space (bisect on the middle snake, as in diff-match-patch),
 * over lines interned to integers, after trimming the common prefix and suffix. Produces change regions,
 * then unified-diff text and structured hunks with line numbers.
 */

export interface Change {
  /** Lines [oldStart, oldEnd) of the old text are replaced by [newStart, newEnd) of the new one (0-based). */
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

export type DiffLineKind = 'context' | 'added' | 'removed';

export interface DiffLine {
  kind: DiffLineKind;
  /** 1-based line numbers; null on the side the line does not exist. */
  oldNumber: number | null;
  newNumber: number | null;
  text: string;
}

export interface DiffHunk {
  /** 1-based, as in a unified diff header (0 when the side is empty). */
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  header: string;
  lines: DiffLine[];
}

export interface TextDiff {
  identical: boolean;
  added: number;
  removed: number;
  hunks: DiffHunk[];
  unified: string;
}

interface SplitText {
  lines: string[];
  /** False when the text does not end with a newline (shown as `\ No newline at end of file`). */
  finalNewline: boolean;
}

export function splitLines(text: string): SplitText {
  if (text === '') return { lines: [], finalNewline: true };
  const lines = text.split('\n');
  const finalNewline = lines.at(-1) === '';
  if (finalNewline) lines.pop();
  return { lines, finalNewline };
}

/** The change regions between two line arrays, in order. */
export function diffLineArrays(oldLines: readonly string[], newLines: readonly string[]): Change[] {
  const ids = new Map<string, number>();
  const intern = (line: string) => {
    let id = ids.get(line);
    if (id === undefined) {
      id = ids.size;
      ids.set(line, id);
    }
    return id;
  };
  const a = Int32Array.from(oldLines, intern);
  const b = Int32Array.from(newLines, intern);
  const changes: Change[] = [];

  function push(oldStart: number, oldEnd: number, newStart: number, newEnd: number) {
    const last = changes.at(-1);
    if (last && last.oldEnd === oldStart && last.newEnd === newStart) {
      last.oldEnd = oldEnd;
      last.newEnd = newEnd;
    } else changes.push({ oldStart, oldEnd, newStart, newEnd });
  }

  function diffRange(aLo: number, aHi: number, bLo: number, bHi: number) {
    while (aLo < aHi && bLo < bHi && a[aLo] === b[bLo]) {
      aLo++;
      bLo++;
    }
    while (aLo < aHi && bLo < bHi && a[aHi - 1] === b[bHi - 1]) {
      aHi--;
      bHi--;
    }
    if (aLo === aHi && bLo === bHi) return;
    if (aLo === aHi || bLo === bHi) return push(aLo, aHi, bLo, bHi);
    const split = bisect(aLo, aHi, bLo, bHi);
    if (!split) return push(aLo, aHi, bLo, bHi);
    diffRange(aLo, split[0], bLo, split[1]);
    diffRange(split[0], aHi, split[1], bHi);
  }

  /** Finds where the forward and backward D-paths overlap; returns that split point (absolute indexes). */
  function bisect(aLo: number, aHi: number, bLo: number, bHi: number): [number, number] | null {
    const n = aHi - aLo;
    const m = bHi - bLo;
    const maxD = Math.ceil((n + m) / 2);
    const offset = maxD;
    const size = 2 * maxD + 2;
    const v1 = new Int32Array(size).fill(-1);
    const v2 = new Int32Array(size).fill(-1);
    v1[offset + 1] = 0;
    v2[offset + 1] = 0;
    const delta = n - m;
    const front = (delta & 1) !== 0;
    let k1start = 0;
    let k1end = 0;
    let k2start = 0;
    let k2end = 0;
    for (let d = 0; d < maxD; d++) {
      for (let k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
        const k1o = offset + k1;
        let x1 = k1 === -d || (k1 !== d && v1[k1o - 1]! < v1[k1o + 1]!) ? v1[k1o + 1]! : v1[k1o - 1]! + 1;
        let y1 = x1 - k1;
        while (x1 < n && y1 < m && a[aLo + x1] === b[bLo + y1]) {
          x1++;
          y1++;
        }
        v1[k1o] = x1;
        if (x1 > n) k1end += 2;
        else if (y1 > m) k1start += 2;
        else if (front) {
          const k2o = offset + delta - k1;
          if (k2o >= 0 && k2o < size && v2[k2o] !== -1 && x1 >= n - v2[k2o]!) return [aLo + x1, bLo + y1];
        }
      }
      for (let k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
        const k2o = offset + k2;
        let x2 = k2 === -d || (k2 !== d && v2[k2o - 1]! < v2[k2o + 1]!) ? v2[k2o + 1]! : v2[k2o - 1]! + 1;
        let y2 = x2 - k2;
        while (x2 < n && y2 < m && a[aHi - x2 - 1] === b[bHi - y2 - 1]) {
          x2++;
          y2++;
        }
        v2[k2o] = x2;
        if (x2 > n) k2end += 2;
        else if (y2 > m) k2start += 2;
        else if (!front) {
          const k1o = offset + delta - k2;
          if (k1o >= 0 && k1o < size && v1[k1o] !== -1) {
            const x1 = v1[k1o]!;
            const y1 = offset + x1 - k1o;
            if (x1 >= n - x2) return [aLo + x1, bLo + y1];
          }
        }
      }
    }
    return null;
  }

  diffRange(0, a.length, 0, b.length);
  return changes;
}

/** Diffs two texts into hunks with `context` lines around each change, plus the unified text. */
export function diffTexts(
  oldText: string,
  newText: string,
  options: { context?: number; oldLabel?: string; newLabel?: string } = {},
): TextDiff {
  const context = Math.max(0, options.context ?? 3);
  const oldSplit = splitLines(oldText);
  const newSplit = splitLines(newText);
  const a = oldSplit.lines;
  const b = newSplit.lines;
  const changes = diffLineArrays(a, b);
  // A missing final newline changes the last line even when its text is equal.
  if (oldSplit.finalNewline !== newSplit.finalNewline && a.length > 0 && b.length > 0) {
    const last = changes.at(-1);
    if (!last || last.oldEnd < a.length || last.newEnd < b.length)
      changes.push({ oldStart: a.length - 1, oldEnd: a.length, newStart: b.length - 1, newEnd: b.length });
  }
  let added = 0;
  let removed = 0;
  for (const change of changes) {
    added += change.newEnd - change.newStart;
    removed += change.oldEnd - change.oldStart;
  }

  const hunks: DiffHunk[] = [];
  const out: string[] = [];
  if (changes.length > 0) {
    out.push(`--- ${options.oldLabel ?? 'a'}\n`, `+++ ${options.newLabel ?? 'b'}\n`);
  }
  let i = 0;
  while (i < changes.length) {
    // Group changes whose gaps are at most 2×context lines into one hunk.
    let j = i;
    while (j + 1 < changes.length && changes[j + 1]!.oldStart - changes[j]!.oldEnd <= 2 * context) j++;
    const first = changes[i]!;
    const last = changes[j]!;
    const oldFrom = Math.max(0, first.oldStart - context);
    const newFrom = first.newStart - (first.oldStart - oldFrom);
    const oldTo = Math.min(a.length, last.oldEnd + context);
    const newTo = last.newEnd + (oldTo - last.oldEnd);
    const lines: DiffLine[] = [];
    let oldAt = oldFrom;
    let newAt = newFrom;
    for (let c = i; c <= j; c++) {
      const change = changes[c]!;
      for (; oldAt < change.oldStart; oldAt++, newAt++)
        lines.push({ kind: 'context', oldNumber: oldAt + 1, newNumber: newAt + 1, text: a[oldAt]! });
      for (; oldAt < change.oldEnd; oldAt++)
        lines.push({ kind: 'removed', oldNumber: oldAt + 1, newNumber: null, text: a[oldAt]! });
      for (; newAt < change.newEnd; newAt++)
        lines.push({ kind: 'added', oldNumber: null, newNumber: newAt + 1, text: b[newAt]! });
    }
    for (; oldAt < oldTo; oldAt++, newAt++)
      lines.push({ kind: 'context', oldNumber: oldAt + 1, newNumber: newAt + 1, text: a[oldAt]! });
    const oldLines = oldTo - oldFrom;
    const newLines = newTo - newFrom;
    const oldStart = oldLines === 0 ? oldFrom : oldFrom + 1;
    const newStart = newLines === 0 ? newFrom : newFrom + 1;
    const header = `@@ -${range(oldStart, oldLines)} +${range(newStart, newLines)} @@`;
    hunks.push({ oldStart, oldLines, newStart, newLines, header, lines });
    out.push(`${header}\n`);
    for (const line of lines) {
      out.push(line.kind === 'context' ? ' ' : line.kind === 'added' ? '+' : '-', line.text, '\n');
      const isOldLast = line.oldNumber === a.length && line.kind !== 'added' && !oldSplit.finalNewline;
      const isNewLast = line.newNumber === b.length && line.kind !== 'removed' && !newSplit.finalNewline;
      if (isOldLast || isNewLast) out.push('\\ No newline at end of file\n');
    }
    i = j + 1;
  }
  return { identical: changes.length === 0, added, removed, hunks, unified: out.join('') };
}

function range(start: number, count: number) {
  return count === 1 ? `${start}` : `${start},${count}`;
}
