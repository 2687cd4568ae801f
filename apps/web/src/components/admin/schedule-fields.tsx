'use client';

import { useState } from 'react';
import { formatZonedDateTime } from '../../lib/format';
import { previewSchedule } from '../../lib/schedule-preview';
import { FormField } from '../forms/form-field';

/**
 * A collection group's schedule and time zone (inputs named `schedule` and `timeZone`, read from the form)
 * with the next five runs in that zone, recomputed as the admin types; shared by the create and edit forms.
 */
export function ScheduleFields({
  defaultSchedule,
  defaultTimeZone,
  fieldError,
}: {
  defaultSchedule: string;
  defaultTimeZone: string;
  fieldError: (field: string) => string | null;
}) {
  const [schedule, setSchedule] = useState(defaultSchedule);
  const [timeZone, setTimeZone] = useState(defaultTimeZone);
  const preview = previewSchedule(schedule, timeZone);
  return (
    <>
      <FormField
        label="Schedule"
        error={fieldError('schedule') ?? preview.error}
        hint='Cron (5 or 6 fields) or an interval such as "every 6 h"; empty for manual only'
      >
        <input name="schedule" value={schedule} onChange={(event) => setSchedule(event.target.value)} />
      </FormField>
      <FormField label="Time zone" error={fieldError('timeZone')} hint="IANA name, e.g. Europe/Berlin">
        <input name="timeZone" value={timeZone} onChange={(event) => setTimeZone(event.target.value)} />
      </FormField>
      <div className="schedule-preview" data-testid="schedule-preview" aria-live="polite">
        <strong>Next five runs ({timeZone})</strong>
        {preview.runs.length === 0 ? (
          <p className="muted small">{preview.error ? 'Fix the schedule to see its runs.' : 'Manual only.'}</p>
        ) : (
          <ol>
            {preview.runs.map((run) => (
              <li key={run.toISOString()}>{formatZonedDateTime(run.toISOString(), timeZone)}</li>
            ))}
          </ol>
        )}
      </div>
    </>
  );
}
