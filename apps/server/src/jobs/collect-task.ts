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

export type CollectOutcome =
  | {
      ok: true;
      isBinary: boolean;
      /**
       * A binary's spool file, or a text's when it came as a file (a remote collector's upload). A text the
       * pool collected comes in `text` only: it is at most DEVICEVAULT_MAX_TEXT_BYTES and the runner's rules and
       * `text_contents` row need it in memory anyway, so it is never written to a file and read back.
       */
      spoolPath?: string;
      sha256: string;
      size: number;
      /** sha256 of the plugin's significant-changes view, when it defines one. */
      significantSha256?: string;
      /** A spool file holding the significant view itself, when the text came as files. */
      significantSpoolPath?: string;
      /** The text and its significant view in memory (sha256 and size are of the text's UTF-8 bytes). */
      text?: string;
      significantText?: string;
      hostKeyFingerprint?: string;
      /**
       * With scrubbing on, the config without the plugin's secret masks (the restorable original), when they
       * changed anything; carried in memory only, then stored encrypted.
       */
      originalText?: string;
    }
  | { ok: false; code: CollectErrorCode; message: string };
