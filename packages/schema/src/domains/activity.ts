/**
 * `activity`: successful and failed backups and versions stored, per hour or per day (UTC), counted in SQL over
 * the devices the viewer may read, for the overview's charts (issue 15 item 1). Buckets without any are
 * zeros, so a chart gets every hour or day of its range.
 */
import { sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';
import { rowsOf } from '../db/database.js';
import { readableDevicesCondition } from '../policy.js';

interface ActivityBucket {
  start: Date;
  succeeded: number;
  failed: number;
  versions: number;
}

const ActivityIntervalEnum = builder.enumType('ActivityInterval', {
  values: { HOUR: { value: 'hour' }, DAY: { value: 'day' } } as const,
});

const ActivityBucketType = builder.objectRef<ActivityBucket>('ActivityBucket').implement({
  description: 'One hour or day (UTC) of backups.',
  fields: (t) => ({
    start: t.expose('start', { type: 'DateTime' }),
    succeeded: t.exposeInt('succeeded', { description: 'Jobs that ended succeeded (changed or not).' }),
    failed: t.exposeInt('failed', { description: 'Jobs that ended failed.' }),
    versions: t.exposeInt('versions', { description: 'Versions stored (a changed configuration or artefact).' }),
  }),
});

// At most this many buckets per answer: 31 days of hours, or a year of days.
const maxBuckets = 31 * 24;

builder.queryField('activity', (t) =>
  t.field({
    type: [ActivityBucketType],
    description: 'Backups per hour or day (UTC) from `from` until now, for the devices you may read.',
    args: {
      from: t.arg({ type: 'DateTime', required: true }),
      interval: t.arg({ type: ActivityIntervalEnum, required: true }),
    },
    resolve: async (_root, { from, interval }, ctx) => {
      const spanMs = Date.now() - from.getTime();
      const bucketMs = interval === 'hour' ? 3_600_000 : 86_400_000;
      if (spanMs < 0 || spanMs / bucketMs > maxBuckets) {
        throw new GraphQLError(`from must be in the past and at most ${maxBuckets} ${interval}s ago`, {
          extensions: { code: 'BAD_USER_INPUT', field: 'from' },
        });
      }
      const readable = readableDevicesCondition(ctx.viewer) ?? sql`true`;
      const unit = sql.raw(`'${interval}'`);
      const rows = rowsOf<{ start: string | Date; succeeded: number; failed: number; versions: number }>(
        await ctx.db.execute(sql`
          /* activity */
          with buckets as (
            select generate_series(date_trunc(${unit}, ${from.toISOString()}::timestamptz, 'UTC'),
              date_trunc(${unit}, now(), 'UTC'), ${sql.raw(`interval '1 ${interval}'`)}) as start
          ),
          ended as (
            select date_trunc(${unit}, j.finished_at, 'UTC') as start,
              count(*) filter (where j.status = 'succeeded')::int as succeeded,
              count(*) filter (where j.status = 'failed')::int as failed
            from jobs j join devices on devices.id = j.device_id
            where j.finished_at >= ${from.toISOString()}::timestamptz and ${readable}
            group by 1
          ),
          stored as (
            select date_trunc(${unit}, b.created_at, 'UTC') as start, count(*)::int as versions
            from backups b join devices on devices.id = b.device_id
            where b.created_at >= ${from.toISOString()}::timestamptz and ${readable}
            group by 1
          )
          select b.start, coalesce(e.succeeded, 0)::int as succeeded, coalesce(e.failed, 0)::int as failed,
            coalesce(s.versions, 0)::int as versions
          from buckets b left join ended e on e.start = b.start left join stored s on s.start = b.start
          order by b.start`),
      );
      return rows.map((row) => ({ ...row, start: new Date(row.start) }));
    },
  }),
);
