'use client';

import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { EVENT_KINDS } from '../../lib/event-kinds';
import { graphql } from '../../lib/graphql';
import { useRevealOnOpen } from '../../lib/use-reveal-on-open';
import { useAnnounce } from '../announcer';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';

const AlertRuleEditor_UpdateRuleMutation = graphql(`
  mutation AlertRuleEditor_UpdateRuleMutation($input: UpdateAlertRuleInput!) {
    updateAlertRule(input: $input) {
      __typename
      ... on UpdateAlertRuleSuccess { alertRule { id name } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

type EditedAlertRule = {
  id: string;
  name: string;
  kinds: string[];
  channelIds: string[];
  deviceGroupIds: string[];
  minConsecutiveFailures: number;
  significantOnly: boolean;
  digestMinutes: number | null;
};

const ownFields = ['name', 'kinds', 'channelIds', 'minConsecutiveFailures', 'digestMinutes'];

/** Edits an alert rule: its events, channels, device groups, failure threshold and digest. */
export function AlertRuleEditor({
  rule,
  channels,
  groups,
  onDone,
}: {
  rule: EditedAlertRule;
  channels: { id: string; name: string }[];
  groups: { id: string; name: string }[];
  onDone: (saved: boolean) => void;
}) {
  const announce = useAnnounce();
  const formRef = useRevealOnOpen<HTMLFormElement>();
  const [{ fetching }, update] = useMutation(AlertRuleEditor_UpdateRuleMutation);
  const [problem, setProblem] = useState<FormProblem | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const number = (name: string) => {
      const text = String(form.get(name) ?? '').trim();
      return text ? Number(text) : null;
    };
    setProblem(null);
    const result = await update({
      input: {
        id: rule.id,
        name: String(form.get('name') ?? '').trim(),
        kinds: form.getAll('kinds').flatMap((kind) => EVENT_KINDS.filter((candidate) => candidate === kind)),
        channelIds: form.getAll('channelIds').map(String),
        deviceGroupIds: form.getAll('deviceGroupIds').map(String),
        minConsecutiveFailures: number('minConsecutiveFailures') ?? 1,
        significantOnly: form.get('significantOnly') === 'on',
        digestMinutes: number('digestMinutes'),
      },
    });
    const payload = result.data?.updateAlertRule;
    if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename !== 'UpdateAlertRuleSuccess') return setProblem(problemOf(payload));
    announce(`Alert rule ${payload.alertRule.name} saved`);
    onDone(true);
  }

  const fieldError = (field: string) => (problem?.field === field ? problem.message : null);
  return (
    <form ref={formRef} className="form panel" onSubmit={(event) => void submit(event)} data-testid="alert-rule-editor">
      <h2>Edit {rule.name}</h2>
      <FormField label="Name" error={fieldError('name')}>
        <input name="name" required autoComplete="off" defaultValue={rule.name} />
      </FormField>
      <fieldset className="form-field">
        <legend>Events</legend>
        {EVENT_KINDS.map((kind) => (
          <label key={kind} className="toggle">
            <input type="checkbox" name="kinds" value={kind} defaultChecked={rule.kinds.includes(kind)} />{' '}
            {kind.toLowerCase().replaceAll('_', ' ')}
          </label>
        ))}
        {fieldError('kinds') ? <span className="field-error">{fieldError('kinds')}</span> : null}
      </fieldset>
      <fieldset className="form-field">
        <legend>Channels</legend>
        {channels.map((channel) => (
          <label key={channel.id} className="toggle">
            <input
              type="checkbox"
              name="channelIds"
              value={channel.id}
              defaultChecked={rule.channelIds.includes(channel.id)}
            />{' '}
            {channel.name}
          </label>
        ))}
        {fieldError('channelIds') ? <span className="field-error">{fieldError('channelIds')}</span> : null}
      </fieldset>
      <fieldset className="form-field">
        <legend>Device groups (none: every device)</legend>
        {groups.map((group) => (
          <label key={group.id} className="toggle">
            <input
              type="checkbox"
              name="deviceGroupIds"
              value={group.id}
              defaultChecked={rule.deviceGroupIds.includes(group.id)}
            />{' '}
            {group.name}
          </label>
        ))}
      </fieldset>
      <FormField label="Failures in a row before alerting" error={fieldError('minConsecutiveFailures')}>
        <input name="minConsecutiveFailures" inputMode="numeric" defaultValue={rule.minConsecutiveFailures} />
      </FormField>
      <FormField
        label="Digest every N minutes (optional)"
        error={fieldError('digestMinutes')}
        hint="Empty: each notification at once"
      >
        <input name="digestMinutes" inputMode="numeric" defaultValue={rule.digestMinutes ?? ''} />
      </FormField>
      <label className="toggle">
        <input type="checkbox" name="significantOnly" defaultChecked={rule.significantOnly} /> Changes only when the
        significant view changed
      </label>
      {problem && !ownFields.includes(problem.field ?? '') ? (
        <p className="inline-error" role="alert">
          {problem.message}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button" disabled={fetching}>
          Save alert rule
        </button>
        <button type="button" className="button button-quiet" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
