/** The typed event map every publisher and subscription shares (labelled tuples: topic args, payload). */
import type { PubSub } from 'graphql-yoga';
import type { JobLogLine } from './db/tables.js';

/** A job log line addressed to its job and device; `seq` orders replayed and live events. */
export interface JobProgressEvent extends JobLogLine {
  jobId: string;
  deviceId: string;
  /**
   * The device's group as its publisher read it (the enqueue, the claim), and when (epoch ms): while that is
   * recent, subscriptions check access with it instead of reading it (a 50-job burst no longer waits on the
   * database behind the jobs); older, they read the group as for any event.
   */
  deviceGroupId?: string | null;
  deviceGroupAt?: number;
}

/** A durable device event (a row of `events`), published after its transaction commits. */
export interface DeviceEvent {
  id: string;
  kind: string;
  deviceId: string | null;
  payload: Record<string, unknown>;
  createdAt: string;
}

/** An alert opened, acknowledged or resolved (issue 12); dates as ISO strings (it crosses NOTIFY). */
export interface AlertChange {
  id: string;
  ruleId: string;
  kind: string;
  deviceId: string | null;
  state: 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED';
  occurrences: number;
  createdAt: string;
  lastSeenAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
}

/** One statement's write to devices, as drizzle/0013's triggers notify it (ids and groups only while few). */
export interface DevicesChange {
  change: 'INSERT' | 'UPDATE' | 'DELETE';
  count: number | null;
  deviceIds: string[] | null;
  /** Includes null for devices without a group; null when the statement touched more than 100 groups. */
  deviceGroupIds: (string | null)[] | null;
  at: string;
}

export type PubSubEvents = {
  jobProgress: [jobId: string, event: JobProgressEvent];
  jobEvents: [event: JobProgressEvent];
  /** Tells the runner holding a job that it was cancelled (the row already says so). */
  jobCancelled: [event: { jobId: string }];
  /** Ends a revoked collector's requests at once, a waiting claim included (apps/server/src/collectors/). */
  collectorRevoked: [event: { collectorId: string }];
  deviceEvents: [event: DeviceEvent];
  alertChanged: [event: AlertChange];
  devicesChanged: [event: DevicesChange];
};

export type DeviceVaultPubSub = PubSub<PubSubEvents>;
