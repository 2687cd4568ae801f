/** Text versions in the database (keyed by sha256, shared by every version with that content) for search and diff. */
import { textContents } from '@devicevault/schema/db/tables';
import { type SQL, sql } from 'drizzle-orm';
import type { BoundFields } from '../db/bound.js';

export interface TextContent {
  sha256: string;
  content: string;
}

/** What can be stored: PostgreSQL text cannot hold NUL, so such (rare) configs are read from the store instead. */
export function storableTexts(texts: TextContent[]): TextContent[] {
  return texts.filter((text) => !text.content.includes('\u0000'));
}

/** The statement inserting what is new among storable texts (only when `onlyIf` holds); null for none. */
export function textContentsInsert(texts: BoundFields<TextContent>[], onlyIf?: SQL): SQL | null {
  if (texts.length === 0) return null;
  const rows = sql.join(
    texts.map(({ sha256, content }) => sql`(${sha256}::text, ${content}::text)`),
    sql`, `,
  );
  return sql`/* newTexts */ insert into ${textContents} (sha256, content)
    select v.sha256, v.content from (values ${rows}) v (sha256, content)${onlyIf ? sql` where ${onlyIf}` : sql``}
    on conflict do nothing`;
}
