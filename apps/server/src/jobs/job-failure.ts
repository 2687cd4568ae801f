import type { CollectErrorCode } from '@devicevault/plugins/errors';

/** A job's classified failure: its code and message become the job's error and its final log line. */
export class JobFailure extends Error {
  constructor(
    readonly code: CollectErrorCode,
    message: string,
  ) {
    super(message);
  }
}
