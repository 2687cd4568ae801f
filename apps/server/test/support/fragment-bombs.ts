/**
 * Hostile GraphQL documents whose fragment spreads fan out level by level (issue 8, item 1): naive checks
 * that expand every spread take fan-out^levels steps. Shared by abuse-fragments.test.ts and
 * bench/query-limits.ts.
 */

export type BombEnd = 'unknown' | 'cycle' | 'self-cycle' | 'fields';

export interface Bomb {
  levels: number;
  fanOut: number;
  end: BombEnd;
  query: string;
}

/**
 * `{ ...F0 }`, then `fragment Fi on Query { ...F(i+1) × fanOut }` for each level; the last level spreads an
 * unknown fragment, spreads an earlier level (a cycle), spreads itself, or selects a real field (so the
 * expanded cost is fanOut^levels). `salt` changes the text without changing its shape, so yoga's parse
 * cache can't answer for it.
 */
export function fragmentBomb(levels: number, fanOut: number, end: BombEnd, salt = '', cycleTo = 0): Bomb {
  const lines = [`${salt ? `# ${salt}\n` : ''}{ ...F0 }`];
  for (let level = 0; level < levels; level++) {
    lines.push(
      `fragment F${level} on Query { ${Array(fanOut)
        .fill(`...F${level + 1}`)
        .join(' ')} }`,
    );
  }
  // 'unknown' (the issue's document): the last level's spreads name a fragment nobody defines.
  if (end === 'cycle') lines.push(`fragment F${levels} on Query { ...F${Math.min(cycleTo, levels)} }`);
  if (end === 'self-cycle') lines.push(`fragment F${levels} on Query { ...F${levels} }`);
  if (end === 'fields') lines.push(`fragment F${levels} on Query { __typename }`);
  return { levels, fanOut, end, query: lines.join('\n') };
}

/** The issue's 26-level document (≈ 1 KB, anonymous): each level spreads the next twice, ending unknown. */
export const twentySixLevels = fragmentBomb(26, 2, 'unknown').query;

/** A small deterministic PRNG (mulberry32) so a failing variation can be reproduced from its index. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` random bombs: fan-out 2–6, up to 40 levels, every kind of ending, each text unique. */
export function bombVariations(count: number, seed = 8): Bomb[] {
  const random = seededRandom(seed);
  const ends: BombEnd[] = ['unknown', 'cycle', 'self-cycle', 'fields'];
  return Array.from({ length: count }, (_, index) => {
    const fanOut = 2 + Math.floor(random() * 5);
    const end = ends[index % ends.length]!;
    // Ending in a real field, the bomb is refused for its cost: fanOut^levels must pass 10,000.
    const fewest = end === 'fields' ? Math.ceil(Math.log(10_001) / Math.log(fanOut)) : 3;
    const levels = fewest + Math.floor(random() * (41 - fewest));
    return fragmentBomb(levels, fanOut, end, `variation ${index}`, Math.floor(random() * levels));
  });
}
