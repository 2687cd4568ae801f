/** The typed event map every publisher and subscription shares (labelled tuples: topic args, payload). */
import type { PubSub } from 'graphql-yoga';
import type { JobLogLine } from './db/tables.js';

/** A job log line addressed to its job and device; `seq` orders replayed and live events. */
export interface JobProgressEvent extends JobLogLine {
  jobId: string;
  deviceId: string;
}

export type PubSubEvents = {
  jobProgress: [jobId: string, event: JobProgressEvent];
  jobEvents: [event: JobProgressEvent];
};

export type DeviceVaultPubSub = PubSub<PubSubEvents>;
