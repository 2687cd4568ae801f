/**
 * Step "store": compares the collected artefact with the device's previous version and puts new bytes in
 * the device's storage location; an unchanged version points at the previous version's bytes instead.
 */
import type { NewVersion } from '../storage/record-version.js';
import type { StorageRegistry } from '../storage/storage-registry.js';
import type { TextContent } from '../storage/text-contents.js';
import type { Collected } from './collect-step.js';
import { storeSource, textsOf } from './collected-texts.js';
import { JobFailure } from './job-failure.js';
import type { JobTarget, PreviousVersion } from './load-device.js';

export type StoredVersion = Omit<NewVersion, 'id' | 'jobId'> & { changed: boolean };

export async function storeArtefact(
  deps: { storage: StorageRegistry },
  { device, previous, location }: Pick<JobTarget, 'device' | 'previous' | 'location'>,
  jobId: string,
  collected: Collected,
): Promise<{ version: StoredVersion; texts: TextContent[] }> {
  const significantSha256 = collected.significantSha256 ?? null;
  if (previous && sameVersion(previous, collected)) {
    const { isBinary, sha256, size, storageKind, storageRef, storageLocationId } = previous;
    const version = { deviceId: device.id, changed: false, significantSha256 };
    return { version: { ...version, isBinary, sha256, size, storageKind, storageRef, storageLocationId }, texts: [] };
  }
  // Read before the store moves the spool file.
  const texts = collected.isBinary ? [] : await readTexts(collected);
  try {
    const target = deps.storage.forLocationRow(location);
    const stored = await target.store.put({
      ...storeSource(collected),
      sha256: collected.sha256,
      size: collected.size,
      isBinary: collected.isBinary,
      deviceId: device.id,
      deviceName: device.name,
      jobId,
    });
    const { isBinary, sha256, size } = collected;
    const where = { storageKind: stored.kind, storageRef: stored.ref, storageLocationId: target.locationId };
    return {
      version: { deviceId: device.id, changed: true, significantSha256, isBinary, sha256, size, ...where },
      texts,
    };
  } catch (error) {
    throw new JobFailure('storage_failed', `could not store the backup: ${(error as Error).message}`);
  }
}

/** Byte-equal, or equal in the plugin's significant-changes view when both versions have one. */
function sameVersion(previous: PreviousVersion, collected: Collected): boolean {
  if (previous.isBinary !== collected.isBinary) return false;
  if (previous.sha256 === collected.sha256) return true;
  return Boolean(collected.significantSha256) && previous.significantSha256 === collected.significantSha256;
}

/** The config text (and its significant view) for `text_contents`. */
async function readTexts(collected: Extract<Collected, { isBinary: false }>): Promise<TextContent[]> {
  const { text, significant } = await textsOf(collected);
  const texts: TextContent[] = [{ sha256: collected.sha256, content: text }];
  const { significantSha256 } = collected;
  if (significant !== null && significantSha256 && significantSha256 !== collected.sha256)
    texts.push({ sha256: significantSha256, content: significant });
  return texts;
}
