/** Text versions in the database (keyed by sha256, shared by every version with that content) for search and diff. */
import type { Database } from '@devicevault/schema/db/database';
import { textContents } from '@devicevault/schema/db/tables';
import type { SQL } from 'drizzle-orm';

export interface TextContent {
  sha256: string;
  content: string;
}

/**
 * The statement inserting what is new, or null when nothing can be stored: PostgreSQL text cannot hold NUL,
 * so such (rare) configs are read from the store instead.
 */
export function textContentsInsert(db: Database, texts: TextContent[]): SQL | null {
  const storable = texts.filter((text) => !text.content.includes('\u0000'));
  if (storable.length === 0) return null;
  return db.insert(textContents).values(storable).onConflictDoNothing().getSQL();
}
