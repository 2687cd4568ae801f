/** The text of a collected artefact, wherever it came: in memory from the pool, or as a remote collector's files. */
import { readFile } from 'node:fs/promises';
import type { PutSource } from '../storage/backup-store.js';
import type { Collected } from './collect-step.js';

type CollectedText = Extract<Collected, { isBinary: false }>;

/** The text and its significant view: in memory from the pool, or read from a remote collector's uploads. */
export async function textsOf(collected: CollectedText): Promise<{ text: string; significant: string | null }> {
  if (collected.text !== undefined) return { text: collected.text, significant: collected.significantText ?? null };
  const text = await readFile(collected.spoolPath, 'utf8');
  const significant = collected.significantSpoolPath ? await readFile(collected.significantSpoolPath, 'utf8') : null;
  return { text, significant };
}

/** What a store takes: the spool file when the bytes are in one (a binary, an upload), else the text's own bytes. */
export function storeSource(collected: Collected): PutSource {
  if (collected.text === undefined) return { spoolPath: collected.spoolPath };
  // A text read from its upload is stored from the upload (moved, not written again).
  if (collected.spoolPath !== undefined) return { spoolPath: collected.spoolPath };
  return { bytes: Buffer.from(collected.text, 'utf8') };
}
