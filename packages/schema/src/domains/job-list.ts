/**
 * The fleet's jobs (issue 15): the queue and the history in one `jobs` connection, newest first, filtered
 * by state, error code and group, limited to the devices of the caller's device groups (admins: all).
 */
import { and, eq, inArray, type SQL } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { devices, type JobStatus, jobStatuses, jobs } from '../db/tables.js';
import { isUuid } from '../errors.js';
import { newestFirstConnection } from '../pagination.js';
import { readableDevicesCondition } from '../policy.js';
import { JobType } from './jobs.js';

export const JobStatusEnum = builder.enumType('JobStatus', {
  description: 'Where a job is: waiting, being collected, being stored, or ended.',
  values: Object.fromEntries(jobStatuses.map((status) => [status.toUpperCase(), { value: status }])) as Record<
    Uppercase<JobStatus>,
    { value: JobStatus }
  >,
});

const JobFilter = builder.inputType('JobFilter', {
  description: 'Every given field must match; within a list, any value matches.',
  fields: (t) => ({
    states: t.field({ type: [JobStatusEnum], required: false }),
    errorCodes: t.stringList({ required: false, description: 'Exact codes, e.g. auth_failed, timeout, cancelled.' }),
    deviceGroupIds: t.idList({ required: false }),
    collectionGroupIds: t.idList({ required: false }),
    deviceId: t.id({ required: false }),
  }),
});

interface JobFilterInput {
  states?: readonly JobStatus[] | null;
  errorCodes?: readonly string[] | null;
  deviceGroupIds?: readonly string[] | null;
  collectionGroupIds?: readonly string[] | null;
  deviceId?: string | null;
}

builder.queryField('jobs', (t) =>
  t.connection({
    type: JobType,
    description: 'Jobs of the devices in your groups (admins: the fleet), newest first, queued and ended alike.',
    args: { filter: t.arg({ type: JobFilter, required: false }) },
    resolve: (_root, { filter, ...args }, ctx) => {
      const where = jobConditions(ctx, filter ?? {});
      return newestFirstConnection(args, jobs, (page) =>
        ctx.db
          .select({ job: jobs })
          .from(jobs)
          .innerJoin(devices, eq(devices.id, jobs.deviceId))
          .where(and(where, page.where))
          .orderBy(...page.orderBy)
          .limit(page.limit)
          .then((rows) => rows.map((row) => row.job)),
      );
    },
  }),
);

function jobConditions(ctx: Context, filter: JobFilterInput): SQL | undefined {
  const ids = (field: string, values: readonly string[]) => {
    const bad = values.findIndex((value) => !isUuid(value));
    if (bad >= 0) invalidId(`${field}[${bad}]`, values[bad]!);
    return [...values];
  };
  if (filter.deviceId && !isUuid(filter.deviceId)) invalidId('deviceId', filter.deviceId);
  return and(
    readableDevicesCondition(ctx.viewer),
    filter.states?.length ? inArray(jobs.status, [...filter.states]) : undefined,
    filter.errorCodes?.length ? inArray(jobs.errorCode, [...filter.errorCodes]) : undefined,
    filter.deviceGroupIds?.length
      ? inArray(devices.deviceGroupId, ids('deviceGroupIds', filter.deviceGroupIds))
      : undefined,
    filter.collectionGroupIds?.length
      ? inArray(devices.collectionGroupId, ids('collectionGroupIds', filter.collectionGroupIds))
      : undefined,
    filter.deviceId ? eq(jobs.deviceId, filter.deviceId) : undefined,
  );
}

function invalidId(field: string, value: string): never {
  throw new GraphQLError(`filter.${field}: "${value}" is not a valid id`, {
    extensions: { code: 'BAD_USER_INPUT', field: `filter.${field}` },
  });
}
