/**
 * Where artefact bytes live. A backup row records the location, kind and ref it was written with, and
 * reads always go through those (never through the device's current settings).
 */
import type { Readable } from 'node:stream';

export type StoreKind = 'fs' | 'git';

export interface StoredObject {
  kind: StoreKind;
  /** fs: the sha256 of the bytes. git: `<commit>:<path>` of the version's file in the repository. */
  ref: string;
}

/**
 * The bytes to store: a finished spool file, which the store moves or copies (the caller may then delete what is
 * left), or a text config's bytes, which the runner holds in memory anyway (at most DEVICEVAULT_MAX_TEXT_BYTES).
 */
export type PutSource = { spoolPath: string; bytes?: undefined } | { bytes: Buffer; spoolPath?: undefined };

export type PutRequest = PutSource & {
  sha256: string;
  size: number;
  deviceId: string;
  deviceName: string;
  /** The job that collected it, or an import label; named in git commit messages. */
  jobId: string;
  isBinary: boolean;
  /** When the version was taken (imports keep the original time); defaults to now. */
  takenAt?: Date;
};

/** An inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface GarbageReport {
  removed: number;
  bytes: number;
}

export interface BackupStore {
  readonly kind: StoreKind;
  put(request: PutRequest): Promise<StoredObject>;
  /** Streams the bytes, optionally an inclusive byte range. Rejects (before streaming) when the ref is missing. */
  read(ref: string, range?: ByteRange): Promise<Readable>;
  /**
   * Deletes stored objects that `isReferenced` rejects and that are older than `graceMs` (so a blob written
   * by a job that has not recorded its row yet survives). With `candidates`, only those refs are looked at
   * instead of walking the whole store. Stores that keep history (git) remove nothing.
   */
  collectGarbage(
    isReferenced: (ref: string) => boolean,
    graceMs: number,
    candidates?: string[],
  ): Promise<GarbageReport>;
}

export class StorageError extends Error {
  override readonly name = 'StorageError';
}
