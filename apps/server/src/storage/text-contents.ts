/** Text versions in the database (keyed by sha256, shared by every version with that content) for search and diff. */
import type { Database } from '@devicevault/schema/db/database';
import { textContents } from '@devicevault/schema/db/tables';

export interface TextContent {
  sha256: string;
  content: string;
}

/** Inserts what is new; PostgreSQL text cannot hold NUL, so such (rare) configs are read from the store instead. */
export async function insertTextContents(db: Database, texts: TextContent[]): Promise<void> {
  const storable = texts.filter((text) => !text.content.includes('\u0000'));
  if (storable.length === 0) return;
  await db.insert(textContents).values(storable).onConflictDoNothing();
}
