/** The text of a collected artefact, wherever it came: in memory from the pool, or as a remote collector's files. */
import { readFile } from 'node:fs/promises';
import type { Collected } from './collect-step.js';

/** The text and its significant view: in memory from the pool, or read from a remote collector's uploads. */
export async function textsOf(collected: Collected): Promise<{ text: string; significant: string | null }> {
  const text = collected.text ?? (await readFile(requireSpool(collected.spoolPath), 'utf8'));
  const significant =
    collected.significantText ??
    (collected.significantSpoolPath ? await readFile(collected.significantSpoolPath, 'utf8') : null);
  return { text, significant };
}

function requireSpool(spoolPath: string | undefined): string {
  if (spoolPath === undefined) throw new Error('a collected text came with neither its text nor a spool file');
  return spoolPath;
}
