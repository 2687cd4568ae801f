/** Where artefact bytes live. A backup row records the store kind and ref it was written with. */
import type { Readable } from 'node:stream';

export interface StoredObject {
  kind: string;
  ref: string;
}

export interface PutRequest {
  /** A finished spool file; the store moves or copies it, then the caller may delete what is left. */
  spoolPath: string;
  sha256: string;
  size: number;
  deviceId: string;
  deviceName: string;
  jobId: string;
  isBinary: boolean;
}

export interface BackupStore {
  readonly kind: string;
  put(request: PutRequest): Promise<StoredObject>;
  /** Streams the bytes, optionally an inclusive byte range. */
  read(ref: string, range?: { start: number; end: number }): Promise<Readable>;
}
