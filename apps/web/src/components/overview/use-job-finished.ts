'use client';

import { graphql } from '../../lib/graphql';
import { isTerminal, type JobProgressEvent, LiveJob_JobProgressEventFragment } from '../../lib/job-status';
import { useSubscriptionEvents } from '../../lib/use-subscription-events';

const JobFinished_JobEventsSubscription = graphql(
  `
  subscription JobFinished_JobEventsSubscription {
    jobEvents { ...LiveJob_JobProgressEventFragment }
  }
`,
  [LiveJob_JobProgressEventFragment],
);

/** Calls `onEvent` for every job event of the fleet and `onFinished` when a job ends. */
export function useJobEvents(onEvent: (event: JobProgressEvent) => void, onFinished?: () => void): void {
  useSubscriptionEvents(JobFinished_JobEventsSubscription, {}, ({ jobEvents }) => {
    onEvent(jobEvents);
    if (isTerminal(jobEvents.status)) onFinished?.();
  });
}
