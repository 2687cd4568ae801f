/**
 * A collected artefact's bytes, wherever they came: a text in memory from the pool, or a binary's or a remote
 * collector's files.
 */
import { readFile } from 'node:fs/promises';
import type { PutSource } from '../storage/backup-store.js';
import type { Collected } from './collect-step.js';

type CollectedText = Extract<Collected, { isBinary: false }>;

/** The text and its significant view: in memory from the pool, or read from a remote collector's uploads. */
export async function textsOf(collected: CollectedText): Promise<{ text: string; significant: string | null }> {
  const text = collected.text ?? (await readFile(collected.spoolPath, 'utf8'));
  const significant =
    collected.significantText ??
    (collected.significantSpoolPath ? await readFile(collected.significantSpoolPath, 'utf8') : null);
  return { text, significant };
}

/** What a store takes: the spool file when the bytes are in one (a binary, an upload), else the text's own bytes. */
export function storeSource(collected: Collected): PutSource {
  if (collected.text === undefined) return { spoolPath: collected.spoolPath };
  // A text read from its upload is stored from the upload (moved, not written again).
  if (collected.spoolPath !== undefined) return { spoolPath: collected.spoolPath };
  return { bytes: Buffer.from(collected.text, 'utf8') };
}
