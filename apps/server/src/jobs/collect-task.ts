/** The plain data that crosses into a worker thread and back (no class instances, no functions). */

import type { MessagePort } from 'node:worker_threads';
import type { CollectTimeouts, DeviceTarget } from '@devicevault/plugins/contract';
import type { CollectErrorCode } from '@devicevault/plugins/errors';
import type { NetworkPolicy } from '@devicevault/plugins/transports/network-policy';

export interface CollectTask {
  jobId: string;
  pluginKey: string;
  target: DeviceTarget;
  timeouts: CollectTimeouts;
  maxTextBytes: number;
  scrubSecrets: boolean;
  /**
   * A directory of this job's own for its files (a binary's spool file, a collector's uploads, an encrypted
   * original), made by whatever writes the first one: a text from the pool stays in memory and makes none. The
   * runner deletes it whatever happens.
   */
  spoolDir: string;
  /** The admin's device network policy, read for each job (workers never open the database). */
  networkPolicy?: NetworkPolicy;
  progressPort: MessagePort;
}

export interface CollectProgressMessage {
  message?: string;
  bytes?: number;
  totalBytes?: number;
}

/** The runner's stop for one running job, sent to the worker on the progress port. */
export interface CollectStop {
  stop: string;
}

/** The worker's first message on the progress port: the thread it runs on (for the pool's last-resort stop). */
export interface CollectThread {
  thread: number;
}

/** The worker's last message on the progress port: the pool reads the port up to it before closing. */
export interface CollectProgressEnd {
  end: true;
}

/**
 * Where a collected artefact's bytes are. A text the pool collected comes in memory only: it is at most
 * DEVICEVAULT_MAX_TEXT_BYTES and the runner's rules and `text_contents` row need it whole anyway, so it is
 * never written to a file and read back. A remote collector's text arrives as uploaded files; once read it is
 * held in memory beside them (the store then moves the file rather than write the bytes again).
 */
export type CollectedBytes =
  | {
      isBinary: true;
      spoolPath: string;
      text?: undefined;
      significantText?: undefined;
      significantSpoolPath?: undefined;
    }
  | {
      isBinary: false;
      /** The text and its significant view (sha256 and size are of the text's UTF-8 bytes). */
      text: string;
      significantText?: string;
      /** The same bytes in a spool file, when they came that way and no rule has changed them. */
      spoolPath?: string;
      significantSpoolPath?: string;
    }
  | {
      isBinary: false;
      text?: undefined;
      significantText?: undefined;
      spoolPath: string;
      significantSpoolPath?: string;
    };

export type CollectOutcome =
  | (CollectedBytes & {
      ok: true;
      sha256: string;
      size: number;
      /** sha256 of the plugin's significant-changes view, when it defines one. */
      significantSha256?: string;
      hostKeyFingerprint?: string;
      /**
       * With scrubbing on, the config without the plugin's secret masks (the restorable original), when they
       * changed anything; carried in memory only, then stored encrypted.
       */
      originalText?: string;
    })
  | { ok: false; code: CollectErrorCode; message: string };
